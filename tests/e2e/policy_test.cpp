// Policy decisions through the real proxy with HTTPS intercepted: blocks answer 403 with the rule
// and an incident id and send nothing upstream, inventory alerts are forwarded and logged, BAAs
// allow until they expire, monitor mode forwards what it would block, and the alert log is
// ECS JSON line by line without a single planted PHI value (a path or User-Agent holding PHI is
// logged as a note of its length, in the access log too).
#include "e2e/tracker_requests.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "e2e/intercept_fixture.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/proxy_process.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

// One intercepting proxy under test_policy(epic_expires), its alert log in the temp dir.
struct policy_rig {
    explicit policy_rig(const std::string& epic_expires = "2030-01-14",
                        std::vector<std::string> extra = {})
        : o(posing_leaf()), ca(dir), alerts(dir.file("alerts.json")) {
        auto args = intercept_args(ca, o,
                                   {"--config", dir.write("policy.yaml", test_policy(epic_expires)),
                                    "--alert-log", alerts});
        args.insert(args.end(), extra.begin(), extra.end());
        proxy.emplace(args, std::vector<std::string>{}, policy_compile_limit);
    }
    curl_result send(const tracker_request& r) const {
        return send_request(proxy->url(), ca, dir, r);
    }
    std::string stderr_text() const { return proxy->stderr_text(); }

    temp_dir dir;
    origin o;
    phiguard_ca ca;
    std::string alerts;
    std::optional<proxy_process> proxy;
};

bool has_finding(const boost::json::object& alert, std::string_view kind_part) {
    auto const* findings = field_value(alert, "phiguard.findings");
    if (findings == nullptr || !findings->is_array()) return false;
    return std::any_of(findings->as_array().begin(), findings->as_array().end(),
                       [&](const boost::json::value& f) {
                           return f.is_object() &&
                                  field(f.as_object(), "kind").find(kind_part) != std::string::npos;
                       });
}

// The findings of `alert` whose kind is `kind` exactly.
std::vector<boost::json::object> findings_of(const boost::json::object& alert,
                                             std::string_view kind) {
    std::vector<boost::json::object> out;
    auto const* findings = field_value(alert, "phiguard.findings");
    if (findings == nullptr || !findings->is_array()) return out;
    for (auto const& f : findings->as_array())
        if (f.is_object() && field(f.as_object(), "kind") == kind) out.push_back(f.as_object());
    return out;
}

std::size_t finding_count(const boost::json::object& alert) {
    auto const* findings = field_value(alert, "phiguard.findings");
    return findings != nullptr && findings->is_array() ? findings->as_array().size() : 0;
}

// The 403 page of a blocked request, checked, and its incident id.
std::string check_blocked(const curl_result& r, const std::string& rule) {
    CHECK(r.status() == 403);
    CHECK(r.body().find(rule) != std::string::npos);
    auto const incident = incident_in(r.body());
    CHECK(is_incident_id(incident));
    return incident;
}

}  // namespace

TEST_CASE("policy: a Meta Pixel PageView with a condition in dl= is blocked with one alert") {
    policy_rig rig;
    auto const req = meta_pixel_condition();
    auto const r = rig.send(req);
    INFO(r.describe());
    INFO("proxy stderr:\n" << rig.stderr_text());
    auto const incident = check_blocked(r, "tracker-phi");
    CHECK(rig.o.requests() == 0);
    CHECK(rig.o.connections() == 0);  // not even a TCP connection to the origin

    REQUIRE(wait_alert_lines(rig.alerts, 1));
    auto const log = read_alerts(rig.alerts);
    INFO("alert log:\n" << log.text);
    CHECK(log.unparsable.empty());
    REQUIRE(log.objects.size() == 1);
    auto const& a = log.objects.front();
    CHECK(field(a, "rule.id") == "tracker-phi");
    CHECK_FALSE(field(a, "rule.name").empty());
    CHECK(field(a, "event.kind") == "alert");
    CHECK(field(a, "event.action") == "block");
    CHECK(field(a, "event.outcome") == "failure");
    CHECK(field(a, "phiguard.incident_id") == incident);
    CHECK(field(a, "phiguard.verdict") == "block");
    CHECK(field(a, "phiguard.mode") == "enforce");
    CHECK(field(a, "destination.domain") == "www.facebook.com");
    CHECK(field(a, "destination.port") == "443");
    CHECK(field(a, "url.domain") == "www.facebook.com");
    CHECK(field(a, "url.path") == "/tr/");
    CHECK(field(a, "http.request.method") == "GET");
    CHECK(field(a, "source.ip") == "127.0.0.1");
    CHECK(field(a, "user_agent.original").rfind("curl/", 0) == 0);
    CHECK_FALSE(field(a, "organization.name").empty());
    CHECK_FALSE(field(a, "@timestamp").empty());
    CHECK(has_finding(a, "condition"));
    // Each finding says which detector saw what where, and its hint masks the value: the first
    // and last character and the length, never the text ("breast cancer", "dr_maria_lopez").
    CHECK(finding_count(a) == 2);
    auto const condition = findings_of(a, "condition");
    REQUIRE(condition.size() == 1);
    CHECK(field(condition[0], "detector") == "dictionary");
    CHECK(field(condition[0], "location") == "query:dl>condition");
    CHECK(field(condition[0], "where") == "query");
    CHECK(field(condition[0], "hint") == "b***********r, 13 chars");
    auto const physician = findings_of(a, "provider_name");
    REQUIRE(physician.size() == 1);
    CHECK(field(physician[0], "detector") == "provider_name");
    CHECK(field(physician[0], "location") == "query:dl>physician");
    CHECK(field(physician[0], "where") == "query");
    CHECK(field(physician[0], "hint") == "d************z, 14 chars");
    for (auto const& f : {condition[0], physician[0]}) {
        auto const confidence = std::stod(field(f, "confidence"));
        CHECK(confidence > 0.5);
        CHECK(confidence <= 1.0);
    }
    CHECK(leaked_value(log.text, {req}).empty());
}

TEST_CASE("policy: a policy loaded from --cache-dir decides exactly as a compiled one") {
    temp_dir cache;
    const std::vector<std::string> cached{"--cache-dir", cache.path().string()};
    {
        policy_rig cold("2030-01-14", cached);
        INFO("proxy stderr:\n" << cold.stderr_text());
        CHECK(cold.stderr_text().find("policy generation 1 compiled in") != std::string::npos);
        check_blocked(cold.send(meta_pixel_condition()), "tracker-phi");
    }
    int databases = 0;
    for (const auto& e : std::filesystem::directory_iterator(cache.path()))
        databases += e.path().extension() == ".hsdb";
    CHECK(databases >= 2);  // the detectors and the dictionary at least

    policy_rig warm("2030-01-14", cached);
    INFO("proxy stderr:\n" << warm.stderr_text());
    CHECK(warm.stderr_text().find("policy generation 1 loaded from the database cache") !=
          std::string::npos);
    check_blocked(warm.send(meta_pixel_condition()), "tracker-phi");
    CHECK(warm.o.requests() == 0);
    CHECK(warm.o.connections() == 0);
    CHECK(warm.send(meta_pixel_clean()).status() == 404);  // forwarded: the origin answers
    CHECK(warm.o.requests() == 1);

    // "" turns the cache off: compiled again, whatever the directory holds.
    policy_rig off("2030-01-14", {"--cache-dir", ""});
    INFO("proxy stderr:\n" << off.stderr_text());
    CHECK(off.stderr_text().find("policy generation 1 compiled in") != std::string::npos);
}

TEST_CASE("policy: the same Pixel PageView without PHI is forwarded and alerted as inventory") {
    policy_rig rig;
    auto const req = meta_pixel_clean();
    auto const r = rig.send(req);
    INFO(r.describe());
    INFO("proxy stderr:\n" << rig.stderr_text());
    CHECK(r.run.exit_code == 0);
    CHECK(r.status() == 404);  // the origin's own answer for /tr/
    CHECK(r.body() == "no such endpoint\n");
    REQUIRE(rig.o.requests() == 1);
    CHECK(rig.o.records().at(0).target.rfind("/tr/?id=123456789012345&ev=PageView", 0) == 0);
    CHECK(rig.o.records().at(0).header("Host") == "www.facebook.com");

    REQUIRE(wait_alert_lines(rig.alerts, 1));
    auto const log = read_alerts(rig.alerts);
    INFO("alert log:\n" << log.text);
    REQUIRE(log.objects.size() == 1);
    auto const& a = log.objects.front();
    CHECK(field(a, "rule.id") == "tracker-inventory");
    CHECK(field(a, "event.action") == "alert");
    CHECK(field(a, "event.outcome") == "success");
    CHECK(finding_count(a) == 0);
    CHECK(is_incident_id(field(a, "phiguard.incident_id")));
}

TEST_CASE("policy: a GA4 batched POST carrying an MRN is blocked before any byte goes upstream") {
    policy_rig rig;
    auto const req = ga4_batch_mrn();
    auto const r = rig.send(req);
    INFO(r.describe());
    INFO("proxy stderr:\n" << rig.stderr_text());
    auto const incident = check_blocked(r, "tracker-phi");
    CHECK(rig.o.requests() == 0);
    CHECK(rig.o.connections() == 0);
    REQUIRE(wait_alert_lines(rig.alerts, 1));
    auto const log = read_alerts(rig.alerts);
    INFO("alert log:\n" << log.text);
    REQUIRE(log.objects.size() == 1);
    CHECK(field(log.objects[0], "phiguard.incident_id") == incident);
    CHECK(field(log.objects[0], "http.request.method") == "POST");
    CHECK(field(log.objects[0], "url.domain") == "www.google-analytics.com");
    CHECK(has_finding(log.objects[0], "mrn"));
    CHECK(leaked_value(log.text, {req}).empty());
}

TEST_CASE("policy: a Conversions API body with a hashed e-mail is blocked") {
    policy_rig rig;
    auto const req = capi_hashed_email();
    auto const r = rig.send(req);
    INFO(r.describe());
    INFO("proxy stderr:\n" << rig.stderr_text());
    check_blocked(r, "tracker-phi");
    CHECK(rig.o.requests() == 0);
    CHECK(rig.o.connections() == 0);
    REQUIRE(wait_alert_lines(rig.alerts, 1));
    auto const log = read_alerts(rig.alerts);
    INFO("alert log:\n" << log.text);
    REQUIRE(log.objects.size() == 1);
    CHECK(field(log.objects[0], "url.domain") == "graph.facebook.com");
    CHECK(has_finding(log.objects[0], "hash"));
    CHECK(leaked_value(log.text, {req}).empty());
}

TEST_CASE("policy: a BAA vendor gets PHI while the BAA is in force and not after it expires") {
    auto const req = epic_patient();
    {
        policy_rig rig("2030-01-14");
        auto const r = rig.send(req);
        INFO(r.describe());
        INFO("proxy stderr:\n" << rig.stderr_text());
        CHECK(r.run.exit_code == 0);
        CHECK(r.status() == 404);  // the origin answered
        REQUIRE(rig.o.requests() == 1);
        auto const rec = rig.o.records().at(0);
        CHECK(rec.method == "POST");
        CHECK(rec.target == "/interconnect-fhir-oauth/api/FHIR/R4/Patient");
        CHECK(rec.body_complete);
        CHECK(rec.body_size == req.body.size());
        auto const log = read_alerts(rig.alerts);
        INFO("alert log:\n" << log.text);
        for (auto const& a : log.objects) CHECK(field(a, "event.action") != "block");
        CHECK(leaked_value(log.text, {req}).empty());
    }
    {
        policy_rig rig("2025-06-30");
        auto const r = rig.send(req);
        INFO(r.describe());
        INFO("proxy stderr:\n" << rig.stderr_text());
        auto const incident = check_blocked(r, "baa-expired-phi");
        CHECK(rig.o.requests() == 0);
        CHECK(rig.o.connections() == 0);
        REQUIRE(wait_alert_lines(rig.alerts, 1));
        auto const log = read_alerts(rig.alerts);
        INFO("alert log:\n" << log.text);
        REQUIRE(log.objects.size() == 1);
        auto const& a = log.objects.front();
        CHECK(field(a, "rule.id") == "baa-expired-phi");
        CHECK(field(a, "phiguard.incident_id") == incident);
        CHECK(field(a, "organization.name") == "Epic Systems");
        CHECK(field(a, "phiguard.baa.reference") == "BAA-TEST-EPIC");
        CHECK(field(a, "phiguard.baa.status").find("expired") != std::string::npos);
        CHECK(leaked_value(log.text, {req}).empty());
    }
}

TEST_CASE("policy: monitor mode forwards what it would block and logs would_block") {
    policy_rig rig("2030-01-14", {"--mode", "monitor"});
    std::vector<tracker_request> const reqs{meta_pixel_condition(), ga4_batch_mrn(),
                                            capi_hashed_email()};
    for (auto const& req : reqs) {
        auto const r = rig.send(req);
        INFO(req.name);
        INFO(r.describe());
        INFO("proxy stderr:\n" << rig.stderr_text());
        CHECK(r.status() == 404);  // forwarded: the origin's answer, not a 403
    }
    REQUIRE(rig.o.requests() == reqs.size());
    auto const recs = rig.o.records();
    CHECK(recs.at(1).method == "POST");
    CHECK(recs.at(1).body_size == reqs[1].body.size());
    CHECK(recs.at(2).body_size == reqs[2].body.size());

    REQUIRE(wait_alert_lines(rig.alerts, reqs.size()));
    auto const log = read_alerts(rig.alerts);
    INFO("alert log:\n" << log.text);
    CHECK(log.unparsable.empty());
    REQUIRE(log.objects.size() == reqs.size());
    for (auto const& a : log.objects) {
        CHECK(field(a, "event.action") == "would_block");
        CHECK(field(a, "phiguard.mode") == "monitor");
        CHECK(field(a, "phiguard.configured_verdict") == "block");
        CHECK(field(a, "rule.id") == "tracker-phi");
        CHECK(finding_count(a) >= 1);
    }
    CHECK(leaked_value(log.text, reqs).empty());
}

TEST_CASE("policy: the alert log parses as ECS JSON line by line and holds no planted PHI") {
    policy_rig rig;
    std::vector<tracker_request> const reqs{meta_pixel_condition(), meta_pixel_clean(),
                                            ga4_batch_mrn(), capi_hashed_email(), epic_patient()};
    std::vector<std::string> incidents;
    for (auto const& req : reqs) {
        auto const r = rig.send(req);
        INFO(req.name);
        INFO(r.describe());
        CHECK((r.status() == 403 || r.status() == 404));
        if (r.status() == 403) incidents.push_back(incident_in(r.body()));
    }
    CHECK(incidents.size() == 3);
    // Three blocks and the inventory alert at least; the allowed BAA request may log too.
    REQUIRE(wait_alert_lines(rig.alerts, 4));
    auto const log = read_alerts(rig.alerts);
    INFO("alert log:\n" << log.text);
    CHECK(log.unparsable.empty());
    CHECK(log.objects.size() >= 4);
    for (auto const& a : log.objects) {
        for (auto const* name :
             {"@timestamp", "event.kind", "event.action", "event.outcome", "rule.id", "rule.name",
              "source.ip", "destination.domain", "destination.port", "url.domain", "url.path",
              "http.request.method", "phiguard.incident_id", "phiguard.verdict", "phiguard.mode",
              "phiguard.policy_generation"}) {
            CAPTURE(name);
            CHECK(field_value(a, name) != nullptr);
        }
        CHECK(is_incident_id(field(a, "phiguard.incident_id")));
    }
    for (auto const& id : incidents) {
        CAPTURE(id);
        CHECK(std::count_if(log.objects.begin(), log.objects.end(), [&](auto const& a) {
                  return field(a, "phiguard.incident_id") == id;
              }) == 1);
    }
    CHECK(leaked_value(log.text, reqs).empty());
    CHECK(leaked_value(rig.stderr_text(), reqs).empty());
}

TEST_CASE("policy: PHI planted in the path and the User-Agent reaches neither log") {
    temp_dir logs;
    auto const access = logs.file("access.jsonl");
    policy_rig rig("2030-01-14", {"--access-log", access});
    // An app SDK's Pixel hit: an SSN in the path, an SSN and an e-mail in its own User-Agent.
    std::string const path = "/patients/536-22-1234/tr/";
    std::string const ua = "MyApp/1.0 ssn=536-22-1234 email=jane.roe@example.org";
    tracker_request const req{
        "meta-path-and-ua",
        "GET",
        "https://www.facebook.com" + path + "?id=123456789012345",
        "",
        "",
        {"536-22-1234", "536221234", "jane.roe@example.org", "jane.roe", "jane.roe%40example.org"}};
    auto const r = curl_intercepted(rig.proxy->url(), rig.ca, {"-A", ua, req.url});
    INFO(r.describe());
    INFO("proxy stderr:\n" << rig.stderr_text());
    auto const incident = check_blocked(r, "tracker-phi");
    CHECK(rig.o.requests() == 0);
    CHECK(rig.o.connections() == 0);

    REQUIRE(wait_alert_lines(rig.alerts, 1));
    auto const log = read_alerts(rig.alerts);
    INFO("alert log:\n" << log.text);
    CHECK(log.unparsable.empty());
    REQUIRE(log.objects.size() == 1);
    auto const& a = log.objects.front();
    CHECK(field(a, "phiguard.incident_id") == incident);
    CHECK(field(a, "rule.id") == "tracker-phi");
    CHECK(field(a, "url.domain") == "www.facebook.com");
    CHECK(field(a, "url.path") ==
          "[redacted: the path held PHI, " + std::to_string(path.size()) + " bytes]");
    CHECK(field(a, "user_agent.original") ==
          "[redacted: the User-Agent held PHI, " + std::to_string(ua.size()) + " bytes]");
    auto const* findings = field_value(a, "phiguard.findings");
    REQUIRE(findings != nullptr);
    REQUIRE(findings->is_array());
    auto located = [&](std::string_view location, std::string_view kind) {
        return std::count_if(findings->as_array().begin(), findings->as_array().end(),
                             [&](const boost::json::value& f) {
                                 return f.is_object() &&
                                        field(f.as_object(), "location") == location &&
                                        field(f.as_object(), "kind") == kind;
                             });
    };
    CHECK(located("request_line:path", "ssn") == 1);
    CHECK(located("header:User-Agent", "ssn") == 1);
    CHECK(located("header:User-Agent", "email") == 1);

    // The access log: the CONNECT line and the blocked GET, whose path is redacted as well.
    REQUIRE(wait_until(
        [&] { return read_file_text(access).find("\"status\":403") != std::string::npos; }, 5s,
        20ms));
    auto const access_text = read_file_text(access);
    INFO("access log:\n" << access_text);
    auto const access_lines = read_alerts(access);
    CHECK(access_lines.unparsable.empty());
    auto const get = std::find_if(access_lines.objects.begin(), access_lines.objects.end(),
                                  [](auto const& e) { return field(e, "method") == "GET"; });
    REQUIRE(get != access_lines.objects.end());
    CHECK(field(*get, "status") == "403");
    CHECK(field(*get, "host") == "www.facebook.com");
    CHECK(field(*get, "path") ==
          "[redacted: the path held PHI, " + std::to_string(path.size()) + " bytes]");

    CHECK(leaked_value(log.text, {req}).empty());
    CHECK(leaked_value(access_text, {req}).empty());
    CHECK(leaked_value(rig.stderr_text(), {req}).empty());
    CHECK(leaked_value(rig.proxy->stdout_text(), {req}).empty());
}
