#include "policy/destinations/destination_catalog.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

using namespace phiguard::policy;

namespace {

const std::filesystem::path lists = std::filesystem::path(PHIGUARD_TEST_DATA) / "lists";
const std::filesystem::path easyprivacy =
    "/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easyprivacy.txt";
const std::filesystem::path easylist =
    "/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easylist.txt";

std::shared_ptr<const destination_catalog> builtin() {
    static const auto cat = destination_catalog::build({});
    return cat;
}

std::shared_ptr<const destination_catalog> with_samples() {
    static const auto cat = [] {
        catalog_config c;
        c.builtin_vendors = false;
        c.adblock_lists = {lists / "sample_rules.txt", lists / "sample_trackerdb.txt"};
        return destination_catalog::build(c);
    }();
    return cat;
}

std::string vendor_id(const destination& d) {
    return d.known ? d.known->id : std::string("-");
}

using phiguard::test::temp_dir;

}  // namespace

TEST_CASE("destination_catalog: known vendors, categories and collection endpoints") {
    struct row {
        const char* host;
        const char* target;
        const char* vendor;
        category cat;
        bool endpoint;
    };
    const row rows[] = {
        {"www.facebook.com", "/tr/?id=1&ev=PageView", "meta", category::advertising, true},
        {"www.facebook.com", "/tr?id=1", "meta", category::advertising, true},
        {"www.facebook.com", "/groups/x", "meta", category::advertising, false},
        {"connect.facebook.net", "/en_US/fbevents.js", "meta", category::advertising, false},
        {"graph.facebook.com", "/v19.0/123456789012345/events", "meta", category::advertising,
         true},
        {"region1.google-analytics.com", "/g/collect?v=2&tid=G-1", "google-analytics",
         category::analytics, true},
        {"www.google-analytics.com", "/mp/collect?measurement_id=G-1", "google-analytics",
         category::analytics, true},
        {"www.google-analytics.com", "/analytics.js", "google-analytics", category::analytics,
         false},
        {"www.googletagmanager.com", "/gtm.js?id=GTM-ABC", "google-tag-manager",
         category::tag_manager, true},
        {"ad.doubleclick.net", "/activity;src=123;type=lead", "google-doubleclick",
         category::advertising, true},
        {"googleads.g.doubleclick.net", "/pagead/viewthroughconversion/1/?x", "google-ads",
         category::advertising, true},
        {"www.google.com", "/pagead/1p-conversion/123/?x=1", "google-ads", category::advertising,
         true},
        {"bat.bing.com", "/action/0?ti=12345&evt=pageLoad", "microsoft-uet", category::advertising,
         true},
        {"y.clarity.ms", "/collect", "microsoft-clarity", category::session_replay, true},
        {"www.clarity.ms", "/tag/abc123", "microsoft-clarity", category::session_replay, true},
        {"analytics.tiktok.com", "/api/v2/pixel", "tiktok", category::advertising, true},
        {"px.ads.linkedin.com", "/collect/?pid=1", "linkedin", category::advertising, true},
        {"analytics.twitter.com", "/i/adsct?txn_id=x", "x-twitter", category::advertising, true},
        {"t.co", "/i/adsct?txn_id=x", "x-twitter", category::advertising, true},
        {"ct.pinterest.com", "/v3/?tid=1", "pinterest", category::advertising, true},
        {"tr.snapchat.com", "/p", "snap", category::advertising, true},
        {"alb.reddit.com", "/rp.gif?id=t2_x", "reddit", category::advertising, true},
        {"examplehealth.sc.omtrdc.net", "/b/ss/rsid/1/JS-2.22.0/s123", "adobe-analytics",
         category::analytics, true},
        {"dpm.demdex.net", "/id?d_visid_ver=5", "adobe-audience-manager", category::cdp, true},
        {"in.hotjar.com", "/api/v2/client/sites/1/visit-data", "hotjar", category::session_replay,
         true},
        {"rs.fullstory.com", "/rec/bundle?OrgId=x", "fullstory", category::session_replay, true},
        {"ingest.quantummetric.com", "/horizon/examplehealth", "quantum-metric",
         category::session_replay, true},
        {"script.crazyegg.com", "/pages/scripts/0000/1111.js", "crazy-egg",
         category::session_replay, false},
        {"api.segment.io", "/v1/t", "segment", category::cdp, true},
        {"heapanalytics.com", "/h?a=1", "heap", category::analytics, true},
        {"api-js.mixpanel.com", "/track/?data=x", "mixpanel", category::analytics, true},
        {"api2.amplitude.com", "/2/httpapi", "amplitude", category::analytics, true},
        {"sslwidget.criteo.com", "/event?a=1", "criteo", category::advertising, true},
        {"trc.taboola.com", "/1234/log/3/unip?en=page_view", "taboola", category::advertising,
         true},
        {"tr.outbrain.com", "/unifiedPixel?marketerId=x", "outbrain", category::advertising, true},
        {"insight.adsrvr.org", "/track/up?adv=x", "the-trade-desk", category::advertising, true},
        {"sp.analytics.yahoo.com", "/spp.pl?a=1", "yahoo", category::advertising, true},
        {"ads.nextdoor.com", "/public/pixel/ndp.js", "nextdoor", category::advertising, true},
        {"d.adroll.com", "/cm/b/out", "nextroll", category::advertising, true},
    };
    const auto cat = builtin();
    for (const auto& r : rows) {
        INFO(r.host);
        INFO(r.target);
        const auto d = cat->classify(r.host, r.target);
        CHECK(vendor_id(d) == r.vendor);
        CHECK(d.cat == r.cat);
        CHECK(d.collection_endpoint == r.endpoint);
        CHECK(d.is_tracker());
        CHECK_FALSE(d.listed);  // no lists loaded
    }
}

TEST_CASE("destination_catalog: look-alike hosts are not the vendor") {
    const auto cat = builtin();
    for (const char* host :
         {"facebook.com.evil.example", "notfacebook.com", "facebook.co", "myfacebook.com.au",
          "google-analytics.com.example.org", "www.google.com", "www.bing.com", "bing.com", "t.co",
          "portal.examplehealth.org", "www.linkedin.com", "hotjar-fan.example", "fhir.epic.com",
          "api.twilio.com", "cdn.example-fonts.net"}) {
        INFO(host);
        const auto d = cat->classify(host, "/");
        CHECK(d.known == nullptr);
        CHECK_FALSE(d.is_tracker());
        CHECK(d.cat == category::other);
        CHECK_FALSE(d.collection_endpoint);
    }
    // Endpoints on shared hosts only count on their own path.
    CHECK(cat->classify("www.google.com", "/search?q=pagead").known == nullptr);
    CHECK(cat->classify("www.google.com", "/pagead/1p-conversionx").known == nullptr);
}

TEST_CASE("destination_catalog: host, registrable domain and target forms are normalised") {
    const auto cat = builtin();
    const auto d = cat->classify("WWW.FaceBook.COM.", "https://www.facebook.com/tr?id=1");
    CHECK(d.host == "www.facebook.com");
    CHECK(d.registrable_domain == "facebook.com");
    CHECK(vendor_id(d) == "meta");
    CHECK(d.collection_endpoint);
    const auto no_path = cat->classify("www.facebook.com:443", "");
    CHECK(no_path.host == "www.facebook.com");
    CHECK_FALSE(no_path.collection_endpoint);
    CHECK(cat->classify("a.b.example.co.uk", "/").registrable_domain == "example.co.uk");
    CHECK(cat->classify("someone.github.io", "/").registrable_domain == "someone.github.io");
}

TEST_CASE("destination_catalog: extra vendors join, may take a built-in domain, never clash") {
    catalog_config c;
    c.extra_vendors.push_back({"acme-replay",
                               "Acme Replay Ltd.",
                               category::session_replay,
                               {"*.acme-replay.example", "rec.hotjar.com"},
                               {"/ingest"}});
    const auto cat = destination_catalog::build(c);
    const auto d = cat->classify("eu.acme-replay.example", "/ingest?s=1");
    CHECK(vendor_id(d) == "acme-replay");
    CHECK(d.collection_endpoint);
    CHECK(cat->classify("acme-replay.example", "/").known == nullptr);  // *. means subdomains
    CHECK_FALSE(cat->classify("acme-replay.example", "/ingest").collection_endpoint);
    CHECK(vendor_id(cat->classify("rec.hotjar.com", "/")) == "acme-replay");
    CHECK(vendor_id(cat->classify("in.hotjar.com", "/")) == "hotjar");

    catalog_config dup;
    dup.extra_vendors.push_back({"meta", "Not Meta", category::other, {"x.example"}, {}});
    CHECK_THROWS_WITH_AS(destination_catalog::build(dup),
                         doctest::Contains("already in the catalogue"), std::runtime_error);
    catalog_config clash;
    clash.builtin_vendors = false;
    clash.extra_vendors.push_back({"a", "A", category::other, {"same.example"}, {}});
    clash.extra_vendors.push_back({"b", "B", category::other, {"same.example"}, {}});
    CHECK_THROWS_WITH_AS(destination_catalog::build(clash),
                         doctest::Contains("claimed by vendors `a` and `b`"), std::runtime_error);
}

TEST_CASE("destination_catalog: sample list rules classify by shape") {
    const auto cat = with_samples();
    struct row {
        const char* host;
        const char* target;
        const char* rule;  // "" = not listed
    };
    const row rows[] = {
        {"tracker-one.example", "/", "||tracker-one.example^"},
        {"cdn.tracker-one.example", "/x.js", "||tracker-one.example^"},
        {"tracker-one.example", "/allowed/path?x=1", ""},  // @@ pattern exception
        {"nottracker-one.example", "/", ""},
        {"tracker-one.example.evil.com", "/", ""},
        {"tracker-two.example", "/", "||tracker-two.example^$third-party"},
        {"allowed.tracker-two.example", "/", ""},  // @@ host exception
        {"tracker-three.example", "/a.png", "||tracker-three.example^$script,image,important"},
        {"everywhere-but.example", "/", "||everywhere-but.example^$domain=~news.example"},
        {"disabled.example", "/", ""},  // badfilter
        {"first-party.example", "/", ""},
        {"site-specific.example", "/", ""},
        {"pixel.example.net", "/collect/1", "||pixel.example.net/collect/"},
        {"a.pixel.example.net", "/collect/1", "||pixel.example.net/collect/"},
        {"evil-pixel.example.net", "/collect/1", ""},
        {"pixel.example.net", "/other", ""},
        {"beacon.example.org", "/hit?x=1", "|https://beacon.example.org/hit?"},
        {"x.beacon.example.org", "/hit?x=1", ""},
        {"www.anything.example", "/analytics/track.gif?u=1", "/analytics/track.gif?"},
        {"www.anything.example", "/ANALYTICS/Track.gif?u=1", "/analytics/track.gif?"},
        {"eu.example-stats.com", "/counter", ".example-stats.com/counter"},
        {"stats.co.uk", "/wildcard/beacon.js", "||stats.*/wildcard/beacon.js"},
        {"www.shop.example", "/p?id=1&utm_tracker=x", "&utm_tracker="},
        {"adserver.example", "/ads", "||adserver.example/ads^"},
        {"adserver.example", "/ads?x=1", "||adserver.example/ads^"},
        {"adserver.example", "/adsx", ""},
        {"cdn.example", "/a/b", "||cdn.example/a^b"},
        {"cdn.example", "/a-b", ""},
        {"sample-cdn.example", "/img/42/track", "||sample-cdn.example/img/*/track"},
        {"ads.example-cdn.com", "/x", "://ads.example-cdn.com/"},
        {"www.site.example", "/beacon.php", "/beacon.php|"},
        {"www.site.example", "/beacon.php?x", ""},
        {"acme-ads.example", "/", "||acme-ads.example^$3p"},
        {"acme-cdn.example", "/lib.js", ""},
    };
    for (const auto& r : rows) {
        INFO(r.host);
        INFO(r.target);
        const auto d = cat->classify(r.host, r.target);
        CHECK(d.listed == (r.rule[0] != '\0'));
        CHECK(d.list_rule == r.rule);
        CHECK(d.is_tracker() == d.listed);
        CHECK(d.known == nullptr);
    }
    CHECK(cat->classify("acme-ads.example", "/").cat == category::advertising);
    CHECK(cat->classify("acme-stats.example", "/").cat == category::analytics);
    CHECK(cat->classify("www.acme-social.example", "/widget/x").cat == category::social);
    CHECK(cat->classify("no-meta.example", "/").cat == category::other);

    REQUIRE(cat->import_reports().size() == 2);
    CHECK(cat->import_reports()[0].compiled == 17);
    CHECK(cat->import_reports()[1].compiled == 4);
}

TEST_CASE("destination_catalog: a vendor's category wins over the list's") {
    temp_dir dir;
    const auto file = dir.path() / "list.txt";
    std::ofstream(file)
        << "! trackerdb_id:facebook trackerdb_category:social_media trackerdb_domain\n"
           "||facebook.com^\n";
    catalog_config c;
    c.adblock_lists = {file};
    const auto cat = destination_catalog::build(c);  // `known` points into it: keep it alive
    const auto d = cat->classify("www.facebook.com", "/tr");
    CHECK(d.listed);
    CHECK(d.list_rule == "||facebook.com^");
    CHECK(vendor_id(d) == "meta");
    CHECK(d.cat == category::advertising);
}

TEST_CASE("destination_catalog: a missing list is an error naming the file") {
    catalog_config c;
    c.adblock_lists = {lists / "nope.txt"};
    CHECK_THROWS_WITH_AS(destination_catalog::build(c),
                         doctest::Contains("nope.txt:0: cannot open"), std::runtime_error);
}

TEST_CASE("destination_catalog: classify is safe from many threads at once") {
    const auto cat = with_samples();
    std::atomic<int> wrong{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 2000; ++i) {
                if (!cat->classify("pixel.example.net", "/collect/1").listed) ++wrong;
                if (cat->classify("pixel.example.net", "/other").listed) ++wrong;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(wrong == 0);
}

TEST_CASE(
    "destination_catalog: Debian's EasyPrivacy imports, compiles, caches and lists trackers") {
    if (!std::filesystem::exists(easyprivacy)) {
        MESSAGE("skipped: " << easyprivacy
                            << " absent (apt-get install webext-ublock-origin-chromium)");
        return;
    }
    temp_dir dir;
    catalog_config c;
    c.adblock_lists = {easyprivacy};
    c.cache_dir = dir.path();
    const auto cat = destination_catalog::build(c);
    REQUIRE(cat->import_reports().size() == 1);
    const auto& rep = cat->import_reports()[0];
    MESSAGE("EasyPrivacy: " << rep.network_rules << " network rules, " << rep.compiled
                            << " compiled, " << rep.host_rules << " host rules");
    CHECK(rep.network_rules > 40000);
    CHECK(rep.host_rules > 30000);
    CHECK(rep.compiled > rep.network_rules * 8 / 10);
    CHECK(rep.skipped.at("domain= option (initiating page unknown)") > 0);
    CHECK(cat->list_db_stats().patterns > 3000);
    CHECK_FALSE(cat->list_db_stats().from_cache);

    for (const auto& [host, target] : std::vector<std::pair<const char*, const char*>>{
             {"www.google-analytics.com", "/g/collect?v=2"},
             {"static.hotjar.com", "/c/hotjar-1.js"},
             {"cdn.segment.com", "/analytics.js/v1/x/analytics.min.js"},
             {"api.mixpanel.com", "/track"},
             {"tr.snapchat.com", "/p"},
             {"www.anything-health.example", "/js/hitbox.js"}}) {  // a path rule
        INFO(host);
        const auto d = cat->classify(host, target);
        CHECK(d.listed);
        CHECK_FALSE(d.list_rule.empty());
    }
    CHECK_FALSE(cat->classify("portal.examplehealth.org", "/appointments").listed);
    CHECK_FALSE(
        cat->classify("fhir.epic.com", "/interconnect-fhir-oauth/api/FHIR/R4/Patient").listed);

    const auto warm = destination_catalog::build(c);
    CHECK(warm->list_db_stats().from_cache);
    CHECK(warm->list_db_stats().bytes == cat->list_db_stats().bytes);
    CHECK(warm->import_reports()[0].compiled == rep.compiled);
    CHECK(warm->classify("api.mixpanel.com", "/track").list_rule ==
          cat->classify("api.mixpanel.com", "/track").list_rule);
}

TEST_CASE("destination_catalog: EasyList imports next to EasyPrivacy") {
    if (!std::filesystem::exists(easylist)) {
        MESSAGE("skipped: " << easylist << " absent");
        return;
    }
    catalog_config c;
    c.adblock_lists = {easylist};
    const auto cat = destination_catalog::build(c);
    const auto& rep = cat->import_reports()[0];
    CHECK(rep.skipped.at("cosmetic") > 10000);
    CHECK(rep.compiled > 10000);
    CHECK(cat->classify("pagead2.googlesyndication.com", "/pagead/js/adsbygoogle.js").listed);
}

namespace {

// The string value of `"key": "…"` in one corpus line (the corpus has no
// escaped quotes in the fields read here).
std::string json_field(const std::string& line, const std::string& key) {
    const std::string marker = "\"" + key + "\": \"";
    const auto at = line.find(marker);
    if (at == std::string::npos) return {};
    const auto start = at + marker.size();
    return line.substr(start, line.find('"', start) - start);
}

}  // namespace

TEST_CASE("destination_catalog: the shared corpus's destination categories agree") {
    const auto path = std::filesystem::path(PHIGUARD_TEST_DATA) / "corpus" / "requests.jsonl";
    if (!std::filesystem::exists(path)) {
        MESSAGE("skipped: " << path << " not copied in yet");
        return;
    }
    const auto cat = builtin();
    std::ifstream in(path);
    std::string line;
    int trackers = 0, others = 0;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        const std::string id = json_field(line, "id");
        const std::string url = json_field(line, "url");
        const std::string expected = json_field(line, "dest_category");
        INFO(id);
        const auto scheme_end = url.find("://");
        REQUIRE(scheme_end != std::string::npos);
        const auto host_start = scheme_end + 3;
        const auto path_start = std::min(url.find_first_of("/?", host_start), url.size());
        const auto d =
            cat->classify(url.substr(host_start, path_start - host_start), url.substr(path_start));
        if (expected == "advertising" || expected == "site_analytics") {
            ++trackers;
            CHECK(d.is_tracker());
            CHECK(d.cat == category_from_string(expected));
            CHECK(d.collection_endpoint);
        } else {
            ++others;
            CHECK_FALSE(d.is_tracker());
            CHECK(d.cat == category::other);
        }
    }
    CHECK(trackers >= 10);
    CHECK(others >= 3);
}
