#!/usr/bin/env python3
"""Writes requests.jsonl: requests without PHI that phiguard must leave alone (public hospital
pages, product pages, ordinary analytics). Same fields as ../corpus/requests.jsonl."""
import json

H = "https://www.examplehealth.org"
rows = []


def add(id_, url, method="GET", headers=None, body="", note=""):
    rows.append({"id": id_, "method": method, "url": url, "headers": headers or {}, "body": body,
                 "body_encoding": "identity", "phi": False, "phi_kinds": [], "note": note})


add("ga4-cancer-center-title",
    "https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ9&cid=1234567890.1732300000"
    "&en=page_view&dl=https%3A%2F%2Fwww.examplehealth.org%2Fcancer-center%2Fbreast-cancer"
    "&dt=Breast%20Cancer%20Care%20%7C%20Example%20Health&sr=1920x1080&ul=en-us&_s=1",
    note="public service-line page: condition words in path and title only")
add("ga4-find-a-doctor-specialty",
    "https://region1.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ9&cid=1.2&en=page_view"
    "&dl=https%3A%2F%2Fwww.examplehealth.org%2Ffind-a-doctor%3Fspecialty%3Dcardiology%26location%3Dnorth-campus"
    "&dt=Find%20a%20Doctor", note="public directory search by specialty")
add("meta-pageview-locations",
    "https://www.facebook.com/tr/?id=123456789012345&ev=PageView&dl=https%3A%2F%2Fwww.examplehealth.org%2Flocations%2Fdowntown-clinic"
    "&rl=https%3A%2F%2Fwww.google.com%2F&if=false&ts=1732300000000&sw=1920&sh=1080&v=2.9.170&r=stable&ec=0&o=4126&fbp=fb.1.1732299999999.1234567890&it=1732299998000&coo=false&rqm=GET")
add("meta-viewcontent-product",
    "https://www.facebook.com/tr/?id=123456789012345&ev=ViewContent&cd[content_ids]=%5B%22SKU-4471-BLU%22%5D"
    "&cd[content_type]=product&cd[value]=24.99&cd[currency]=USD&dl=https%3A%2F%2Fshop.example.com%2Fproducts%2Frunning-shoes%3Fcolor%3Dblue%26size%3D10")
add("product-page", "https://shop.example.com/products/trail-runner-2?variant=40123456789012&utm_source=newsletter&utm_medium=email&utm_campaign=fall_sale")
add("amazon-style-order", "https://shop.example.com/orders/112-4458123-6654321/track?ref=ppx_yo2ov_dt_b_track_package")
add("news-article", H + "/news/2026/11/24/new-parking-garage-opens?utm_source=twitter")
add("careers", H + "/careers/search?q=registered+nurse&location=Springfield&page=2")
add("linkedin-insight", "https://px.ads.linkedin.com/collect/?pid=123456&fmt=gif&url=https%3A%2F%2Fwww.examplehealth.org%2Fcareers&time=1732300000000&liSync=true")
add("clarity-collect", "https://k.clarity.ms/collect", method="POST",
    headers={"Content-Type": "application/json"},
    body=json.dumps({"envelope": {"version": "0.7.34", "sequence": 3, "start": 1732300000000,
                                  "duration": 5120, "projectId": "abc123def4", "userId": "1f2e3d4c",
                                  "sessionId": "9a8b7c6d", "pageNum": 1, "upload": 0, "end": 0,
                                  "url": H + "/visitors/parking"},
                     "a": [[1024, 4, 1920, 1080], [1030, 7, "Example Health | Visitors"]]}))
add("segment-track", "https://api.segment.io/v1/t", method="POST",
    headers={"Content-Type": "application/json"},
    body=json.dumps({"anonymousId": "3c0e4f1a-2b7d-4a8e-9f10-1234abcd5678", "event": "Newsletter Viewed",
                     "properties": {"issue": "2026-11", "path": "/newsletter", "app_version": "4.12.0.1",
                                    "build": 20261124, "price": 1234.56},
                     "context": {"library": {"name": "analytics.js", "version": "4.1.0"},
                                 "page": {"url": H + "/newsletter", "title": "Health tips newsletter"},
                                 "userAgent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.6099.109 Safari/537.36"},
                     "messageId": "ajs-5d41402abc4b2a76b9719d911017c592", "timestamp": "2026-11-24T05:00:00.000Z",
                     "sentAt": "2026-11-24T05:00:01.120Z"}))
add("ga4-batch-public", "https://www.google-analytics.com/g/collect?v=2&tid=G-ABC123XYZ9&cid=1.2&_p=123",
    method="POST", headers={"Content-Type": "text/plain;charset=UTF-8"},
    body="en=page_view&dl=https%3A%2F%2Fwww.examplehealth.org%2Fvisitors\n"
         "en=scroll&epn.percent_scrolled=90&dl=https%3A%2F%2Fwww.examplehealth.org%2Fvisitors\n"
         "en=click&ep.link_url=https%3A%2F%2Fmaps.example.com%2F%3Fq%3D100%2BMain%2BSt&_et=1532")
add("tiktok-public", "https://analytics.tiktok.com/api/v2/pixel", method="POST",
    headers={"Content-Type": "application/json"},
    body=json.dumps({"event": "ViewContent", "event_id": "5d41402abc4b2a76b9719d911017c592",
                     "timestamp": "2026-11-24T05:00:00Z",
                     "context": {"page": {"url": H + "/classes/childbirth-education-schedule", "referrer": "https://www.google.com/"},
                                 "ad": {"callback": "E.C.P.abcdefghijklmnop1234"}, "library": {"name": "pixel.js", "version": "2.2.1"}},
                     "properties": {"content_type": "product", "content_id": "class-101", "value": 0, "currency": "USD"}}))
add("hotjar-heartbeat", "https://in.hotjar.com/api/v2/client/sites/1234567/visit-data?sv=7", method="POST",
    headers={"Content-Type": "application/json"},
    body=json.dumps({"window_width": 1440, "window_height": 900, "url": H + "/patients-visitors/billing-faq",
                     "r_value": 1, "is_vpv": False, "user_id": "0a1b2c3d-4e5f-6789-abcd-ef0123456789",
                     "rec_value": 0.123, "user_agent": "Mozilla/5.0"}))
add("doctor-profile-public", H + "/doctors/maria-lopez-md?tab=locations",
    headers={"Referer": H + "/find-a-doctor?specialty=oncology"}, note="public directory profile")
add("health-library-article", H + "/health-library/diabetes/what-is-a1c",
    headers={"Referer": "https://www.google.com/"}, note="public health library page")
add("search-parking", H + "/search?q=visitor+parking+hours&page=1")
add("pinterest-checkout-product", "https://ct.pinterest.com/v3/?tid=123&event=checkout&ed=%7B%22value%22%3A49.95%2C%22order_quantity%22%3A2%2C%22currency%22%3A%22USD%22%7D")
add("criteo-viewitem", "https://sslwidget.criteo.com/event?a=12345&v=5.23.0&p0=e%3Dvi%26p%3DSKU-123-45-678&p1=e%3Ddis&dc=1&cb=1732300000123")
add("tradedesk-pixel", "https://insight.adsrvr.org/track/up?adv=abc123&ref=https%3A%2F%2Fwww.examplehealth.org%2Fdonate&upid=xyz789&upv=1.1.0")
add("form-newsletter-pref", "https://forms.example.com/submit", method="POST",
    headers={"Content-Type": "application/x-www-form-urlencoded"},
    body="topic=heart-health-events&frequency=monthly&consent=yes&form_id=4411&submitted_at=2026-11-24T05%3A00%3A00Z")
add("multipart-upload-public", "https://upload.example.com/api/assets", method="POST",
    headers={"Content-Type": "multipart/form-data; boundary=----b0undary"},
    body="------b0undary\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nCampus map 2026\r\n"
         "------b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"map.json\"\r\nContent-Type: application/json\r\n\r\n"
         "{\"floors\": 4, \"version\": \"1.0.3\", \"updated\": \"2026-10-01\"}\r\n------b0undary--\r\n")
add("cookie-analytics", H + "/visitors", headers={
    "Cookie": "_ga=GA1.2.1234567890.1732300000; _fbp=fb.1.1732299999999.1234567890; _gid=GA1.2.987654321.1732300000; consent=true",
    "Referer": H + "/", "User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0.6099.109",
    "Accept-Language": "en-US,en;q=0.9"})
add("snap-pixel", "https://tr.snapchat.com/p", method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"},
    body="pid=abcd1234-ef56-7890-abcd-ef1234567890&ev=PAGE_VIEW&pl=https%3A%2F%2Fwww.examplehealth.org%2Fgive&ts=1732300000000&rf=&v=1.5&u_hems=&e_desc=")
add("json-with-unicode-escapes", "https://api.example-analytics.com/v1/events", method="POST",
    headers={"Content-Type": "application/json"},
    body='{"page":"\\u002Fabout-us","title":"About \\u0026 history","ts":1732300000,"screen":"1280\\u00d7720"}')
add("bare-numbers-body", "https://metrics.example.com/ingest", method="POST",
    headers={"Content-Type": "application/json"},
    body=json.dumps({"ids": [1732300000, 1732300001, 1234567893, 4111111111111111 // 7],
                     "ratio": "1:2:3:4", "color": "#ff00aa", "dims": "1920x1080",
                     "version": "10.0.19041.1", "build_date": "2026-11-20"}))

with open("requests.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
print(len(rows), "benign requests")
