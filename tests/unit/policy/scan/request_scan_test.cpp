#include "policy/scan/request_scan.hpp"

#include <brotli/encode.h>
#include <doctest/doctest.h>
#include <zlib.h>

#include <string>
#include <vector>

using namespace phiguard::policy;

namespace {

const std::shared_ptr<const detector_set>& defaults() {
    static const auto set = detector_set::build({});
    return set;
}

std::vector<finding> url(const std::string& u) {
    request_scan s(defaults());
    s.scan_target("GET", u);
    return s.findings();
}

std::vector<finding> body(const std::string& content_type, const std::string& b,
                          std::size_t chunk = 1 << 20, const std::string& encoding = "") {
    request_scan s(defaults());
    s.begin_body(content_type, encoding);
    for (std::size_t i = 0; i < b.size(); i += chunk) s.body(std::string_view(b).substr(i, chunk));
    s.end_body();
    return s.findings();
}

const finding* find_kind(const std::vector<finding>& fs, const std::string& kind) {
    for (const auto& f : fs)
        if (f.kind == kind) return &f;
    return nullptr;
}

std::string kinds(const std::vector<finding>& fs) {
    std::string s;
    for (const auto& f : fs) s += f.detector + "/" + f.kind + "@" + f.location + " ";
    return s;
}

std::string gzip(const std::string& in) {
    z_stream z{};
    REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&z, in.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
}

std::string brotli(const std::string& in) {
    std::size_t size = BrotliEncoderMaxCompressedSize(in.size());
    std::string out(size, '\0');
    REQUIRE(BrotliEncoderCompress(9, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, in.size(),
                                  reinterpret_cast<const uint8_t*>(in.data()), &size,
                                  reinterpret_cast<uint8_t*>(out.data())) == BROTLI_TRUE);
    out.resize(size);
    return out;
}

struct url_row {
    const char* url;
    const char* kind;  // expected kind, or "" for no finding at all
    const char* location;
};

}  // namespace

TEST_CASE("request_scan: PHI keys and values in queries, table-driven per detector") {
    const url_row rows[] = {
        {"https://t.example/p?condition=diabetes", "condition", "query:condition"},
        {"https://t.example/p?diagnosis=E11.9", "condition", "query:diagnosis"},
        {"https://t.example/p?medication=metformin", "medication", "query:medication"},
        {"https://t.example/p?mrn=00482913", "mrn", "query:mrn"},
        {"https://t.example/p?patient=MRN00482913", "mrn", "query:patient"},
        {"https://t.example/p?dob=1961-07-14", "dob", "query:dob"},
        {"https://t.example/p?member_id=XJH123456789", "insurance_id", "query:member_id"},
        {"https://t.example/p?npi=1234567893", "npi", "query:npi"},
        {"https://t.example/p?mbi=1EG4-TE5-MK73", "mbi", "query:mbi"},
        {"https://t.example/p?ssn=219-09-9999", "ssn", "query:ssn"},
        {"https://t.example/p?email=jane.roe%40example.com", "email", "query:email"},
        {"https://t.example/p?phone=%2B1%20415%20555%200132", "phone", "query:phone"},
        {"https://t.example/p?physician=dr_maria_lopez", "provider_name", "query:physician"},
        {"https://t.example/p?appt_date=2026-12-03", "appointment", "query:appt_date"},
        {"https://t.example/p?q=Schedule+appointment", "appointment", "query:q"},
        {"https://t.example/p?test=HIV+antibody", "condition", "query:test"},
        {"https://t.example/p?cd[patient_name]=Jane+Roe", "name", "query:cd[patient_name]"},
        {"https://t.example/"
         "p?ud[em]=22fff12b355cb9cb6303835fe8227cbb155ee22d300caccba72b326d1a6fb98a",
         "hashed_identifier", "query:ud[em]"},
        {"https://t.example/p?ud[ph]=5d41402abc4b2a76b9719d911017c592", "hashed_identifier",
         "query:ud[ph]"},
        {"https://t.example/p?u1=my%20MRN%3A%2000482913", "mrn", "query:u1"},
        {"https://t.example/p;u1=ssn%20123-45-6789;ord=1", "ssn", "request_line:u1"},
        // Look-alikes that must stay clean.
        {"https://t.example/p?sku=123-45-678&ts=1732300000", "", ""},
        {"https://t.example/p?specialty=oncology", "", ""},
        {"https://t.example/cancer-center/about", "", ""},
        {"https://t.example/p?published=2026-11-20", "", ""},
        {"https://t.example/p?ud[em]=not-a-hash", "", ""},
        {"https://t.example/p?event_id=5d41402abc4b2a76b9719d911017c592", "", ""},
        {"https://t.example/p?npi=1234567890", "", ""},
        {"https://t.example/p?dob=", "", ""},
        {"https://t.example/p?condition=undefined", "", ""},
        {"https://t.example/p?card=4012888888881882", "", ""},
    };
    for (const auto& r : rows) {
        const std::string target = r.url;
        CAPTURE(target);
        const auto fs = url(r.url);
        INFO("findings: " << kinds(fs));
        if (*r.kind == '\0') {
            CHECK(fs.empty());
            continue;
        }
        const finding* f = find_kind(fs, r.kind);
        REQUIRE(f);
        CHECK(f->location == r.location);
        CHECK(f->confidence >= 0.5);
        CHECK(f->confidence <= 1.0);
    }
}

TEST_CASE("request_scan: nested encodings in dl=, Referer, JSON and base64 parameters") {
    // Three layers of percent-encoding inside dl=.
    const auto triple = url(
        "https://www.google-analytics.com/g/collect?v=2&dl=https%25253A%25252F%25252Fx.org%25252F%"
        "25253Fcondition%25253Dbreast%25252520cancer");
    REQUIRE(find_kind(triple, "condition"));
    CHECK(find_kind(triple, "condition")->location == "query:dl>condition");

    request_scan h(defaults());
    h.scan_header("Referer", "https://portal.example.org/r?physician=dr_alan_chu&x=1");
    REQUIRE(find_kind(h.findings(), "provider_name"));
    CHECK(find_kind(h.findings(), "provider_name")->location == "header:Referer>physician");
    CHECK(find_kind(h.findings(), "provider_name")->where == location_kind::header);

    const auto b64 = url(
        "https://ct.pinterest.com/v3/?ed=eyJhcHBvaW50bWVudCI6ICIyMDI2LTEyLTAzIDA5OjMwIiwgInByb3Zp"
        "ZGVyIjogIkRyLiBQcml5YSBOYXRhcmFqYW4ifQ%3D%3D");
    REQUIRE(find_kind(b64, "appointment"));
    CHECK(find_kind(b64, "appointment")->location == "query:ed>appointment");
    CHECK(find_kind(b64, "provider_name"));

    // A base64 JSON token inside a JSON body is decoded and scanned as well.
    const auto inner =
        body("application/json",
             R"({"payload":"eyJkb2IiOiAiMTk2MS0wNy0xNCJ9"})");  // {"dob": "1961-07-14"}
    REQUIRE(find_kind(inner, "dob"));
    CHECK(find_kind(inner, "dob")->location.rfind("body:$.payload", 0) == 0);

    const auto unicode =
        body("application/json", R"({"user":{"email":"jane.roe\u0040example.com"}})");
    REQUIRE(find_kind(unicode, "email"));
    CHECK(find_kind(unicode, "email")->location == "body:$.user.email");

    // Four layers exceed the decode depth: reported, not silently skipped.
    const auto deep = url("https://t.example/p?x=%2525252541");
    REQUIRE(find_kind(deep, "uninspectable"));
}

TEST_CASE("request_scan: body formats - form, GA4 lines, JSON, multipart, text") {
    auto f = body("application/x-www-form-urlencoded", "a=1&cd%5Bmrn%5D=MRN00482913&b=2");
    REQUIRE(find_kind(f, "mrn"));
    CHECK(find_kind(f, "mrn")->location == "body:form:cd[mrn]");

    f = body("text/plain", "en=page_view&dl=x\nen=form_submit&ep.dob=07%2F14%2F1961");
    REQUIRE(find_kind(f, "dob"));
    CHECK(find_kind(f, "dob")->location == "body:form:ep.dob");

    f = body(
        "application/json",
        R"({"data":[{"user_data":{"em":["9d043af8047d56798e3ab912b1e6e937a63933239f6ae349ef4747b5ae1e6e75"],"client_ip_address":"203.0.113.7"}}]})");
    REQUIRE(find_kind(f, "hashed_identifier"));
    CHECK(find_kind(f, "hashed_identifier")->location == "body:$.data[0].user_data.em[0]");
    CHECK(find_kind(f, "hashed_identifier")->detector == "hashed_email");
    REQUIRE(find_kind(f, "ip_address"));

    f = body("multipart/form-data; boundary=XyZ",
             "--XyZ\r\nContent-Disposition: form-data; name=\"appt_date\"\r\n\r\n2026-12-03\r\n"
             "--XyZ\r\nContent-Disposition: form-data; name=\"notes\"; filename=\"n.txt\"\r\n"
             "Content-Type: text/plain\r\n\r\nMy SSN is 219-09-9999\r\n--XyZ--\r\n");
    REQUIRE(find_kind(f, "appointment"));
    CHECK(find_kind(f, "appointment")->location == "body:multipart:appt_date");
    REQUIRE(find_kind(f, "ssn"));
    CHECK(find_kind(f, "ssn")->location == "body:multipart:notes:text");

    f = body("text/plain", "Patient was diagnosed with type 2 diabetes last year.");
    REQUIRE(find_kind(f, "condition"));
}

TEST_CASE("request_scan: a value split at every byte, every chunk size, is still found") {
    std::string b = "id=123&ev=Lead&";
    b += std::string(4084 - b.size(), 'x') + "=y&ssn=219-09-9999&dob=07%2F14%2F1961&z=1";
    REQUIRE(b.find("219-09") < 4096);
    REQUIRE(b.find("9999") > 4096);  // the value straddles a 4 KiB boundary
    for (std::size_t split = 1; split < b.size(); ++split) {
        request_scan s(defaults());
        s.begin_body("application/x-www-form-urlencoded", "");
        s.body(std::string_view(b).substr(0, split));
        s.body(std::string_view(b).substr(split));
        s.end_body();
        if (!find_kind(s.findings(), "ssn") || !find_kind(s.findings(), "dob")) {
            FAIL("missed at split " << split);
        }
    }
    for (std::size_t chunk : {1, 2, 3, 7, 4096}) {
        CAPTURE(chunk);
        const auto fs = body("application/x-www-form-urlencoded", b, chunk);
        CHECK(find_kind(fs, "ssn"));
        CHECK(find_kind(fs, "dob"));
    }
}

TEST_CASE("request_scan: gzip, deflate and brotli bodies are decoded before matching") {
    std::string json = R"({"events":[)";
    for (int i = 0; i < 200; ++i) json += R"({"n":)" + std::to_string(i) + "},";
    json += R"({"traits":{"dob":"1961-07-14","phone_number":"+1 415-555-0132"}}]})";
    for (std::size_t chunk : {1, 13, 4096}) {
        CAPTURE(chunk);
        auto fs = body("application/json", gzip(json), chunk, "gzip");
        CHECK(find_kind(fs, "dob"));
        CHECK(find_kind(fs, "phone"));
        CHECK_FALSE(find_kind(fs, "uninspectable"));
        fs = body("application/json", brotli(json), chunk, "br");
        CHECK(find_kind(fs, "dob"));
        CHECK(find_kind(fs, "phone"));
    }
}

TEST_CASE("request_scan: what cannot be decoded within bounds is uninspectable") {
    const std::string bomb = gzip(std::string(32u << 20, 'a'));
    auto fs = body("text/plain", bomb, 65536, "gzip");
    REQUIRE(find_kind(fs, "uninspectable"));
    CHECK(find_kind(fs, "uninspectable")->where == location_kind::body);
    CHECK(find_kind(fs, "uninspectable")->confidence == 1.0);

    fs = body("application/json", "{\"a\":1}", 1 << 20, "zstd");
    REQUIRE(find_kind(fs, "uninspectable"));
    CHECK(find_kind(fs, "uninspectable")->hint == "unsupported content-encoding");

    const std::string gz = gzip("{\"dob\":\"1961-07-14\"}");
    fs = body("application/json", gz.substr(0, gz.size() - 8), 1 << 20, "gzip");
    CHECK(find_kind(fs, "uninspectable"));
}

TEST_CASE("request_scan: findings carry a redacted hint and a byte range, never the value") {
    request_scan s(defaults());
    s.scan_target("GET", "https://t.example/p?condition=diabetes&ssn=219-09-9999");
    REQUIRE(s.findings().size() >= 2);
    for (const auto& f : s.findings()) {
        CHECK(f.hint.find("diabetes") == std::string::npos);
        CHECK(f.hint.find("219-09") == std::string::npos);
        CHECK(f.length > 0);
    }
    const finding* c = find_kind(s.findings(), "condition");
    REQUIRE(c);
    CHECK(c->hint == "d******s, 8 chars");
    CHECK(c->length == 8);
}

TEST_CASE("request_scan: disabled detectors and extra data come from the config") {
    detector_config cfg;
    cfg.disabled = {"ssn"};
    cfg.mrn_patterns = {"\\bHX[0-9]{7}\\b"};
    cfg.extra_terms = {{"frobnitz syndrome", "condition"}};
    const auto set = detector_set::build(cfg);
    request_scan s(set);
    s.scan_target("GET",
                  "https://t.example/p?ssn=219-09-9999&ref=HX1234567&condition=Frobnitz+Syndrome");
    CHECK_FALSE(find_kind(s.findings(), "ssn"));
    REQUIRE(find_kind(s.findings(), "mrn"));
    CHECK(find_kind(s.findings(), "mrn")->length == 9);
    CHECK(find_kind(s.findings(), "condition"));
}

TEST_CASE("request_scan: a Content-Length hint, right, short or absurd, changes no finding") {
    const std::string b = R"({"batch":[{"event":"x","traits":{"email":"jane.roe@example.com",)"
                          R"("phone":"(415) 555-0134"}},{"dob":"1961-07-14"}]})";
    auto with_hint = [&](std::size_t hint, const std::string& encoding, const std::string& raw) {
        request_scan s(defaults());
        s.begin_body("application/json", encoding, hint);
        for (std::size_t i = 0; i < raw.size(); i += 7) s.body(std::string_view(raw).substr(i, 7));
        s.end_body();
        return kinds(s.findings());
    };
    const auto plain = kinds(body("application/json", b, 7));
    REQUIRE(plain.find("email") != std::string::npos);
    REQUIRE(plain.find("dob") != std::string::npos);
    CHECK(with_hint(b.size(), "", b) == plain);
    CHECK(with_hint(b.size() / 3, "", b) == plain);
    // A length beyond the decoded-size limit (or a lie) reserves at most the limit.
    CHECK(with_hint(std::size_t{1} << 50, "", b) == plain);
    // An encoded body's length says nothing of its decoded size: no room is made from it.
    const auto z = gzip(b);
    CHECK(with_hint(z.size(), "gzip", z) == plain);
}
