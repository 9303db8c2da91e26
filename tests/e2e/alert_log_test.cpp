// Where the alert log goes and what happens when it cannot be written: "-" sends the lines to
// stdout, the YAML's alert_log and mode apply unless --alert-log and --mode override them, and
// a log that refuses every write (/dev/full) still lets the block happen, with the lost lines
// counted in /metrics and reported on stderr at most once every ten seconds. The requests are
// plain-HTTP absolute-form Meta Pixel hits (the same pipeline as intercepted ones) pinned to
// the in-process origin with --resolve.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "e2e/admin_endpoint.hpp"
#include "e2e/intercept_fixture.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/proxy_process.hpp"
#include "e2e/tracker_requests.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

// `run` without interception, www.facebook.com pinned to the origin, then `extra`.
std::vector<std::string> pixel_args(const origin& o, std::vector<std::string> extra) {
    std::vector<std::string> args{
        "run",         "--listen",
        "127.0.0.1:0", "--no-intercept",
        "--resolve",   "www.facebook.com:" + std::to_string(o.port()) + ":127.0.0.1"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

// A tracker request's https://www.facebook.com URL as plain HTTP to the origin's port.
std::string plain_url(const origin& o, const tracker_request& r) {
    std::string const https = "https://www.facebook.com";
    REQUIRE(r.url.rfind(https, 0) == 0);
    return "http://www.facebook.com:" + std::to_string(o.port()) + r.url.substr(https.size());
}

curl_result send_pixel(const proxy_process& proxy, const origin& o, const tracker_request& r) {
    return curl(proxy.url(), {"-g", plain_url(o, r)}, 20s);
}

// The lines of `text` that start like a JSON object, parsed; the others in `other`.
alert_lines json_lines(const std::string& text) {
    alert_lines out;
    out.text = text;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        if (line.front() != '{') continue;
        boost::json::error_code ec;
        auto v = boost::json::parse(line, ec);
        if (ec || !v.is_object())
            out.unparsable.push_back(line);
        else
            out.objects.push_back(std::move(v.as_object()));
    }
    return out;
}

std::size_t count_of(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("alert log: --alert-log - writes the alert lines to stdout") {
    temp_dir dir;
    origin o;
    proxy_process proxy(
        pixel_args(o, {"--config", dir.write("policy.yaml", test_policy()), "--alert-log", "-"}));
    auto const phi = meta_pixel_condition();
    auto const blocked = send_pixel(proxy, o, phi);
    INFO(blocked.describe());
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(blocked.status() == 403);
    auto const forwarded = send_pixel(proxy, o, meta_pixel_clean());
    INFO(forwarded.describe());
    CHECK(forwarded.status() == 404);  // the origin's own answer for /tr/
    CHECK(o.requests() == 1);

    REQUIRE(wait_until([&] { return json_lines(proxy.stdout_text()).objects.size() >= 2; }, 10s));
    auto const out = json_lines(proxy.stdout_text());
    INFO("proxy stdout:\n" << out.text);
    CHECK(out.unparsable.empty());
    REQUIRE(out.objects.size() == 2);
    CHECK(field(out.objects[0], "rule.id") == "tracker-phi");
    CHECK(field(out.objects[0], "event.action") == "block");
    CHECK(field(out.objects[0], "phiguard.incident_id") == incident_in(blocked.body()));
    CHECK(field(out.objects[0], "url.domain") == "www.facebook.com");
    CHECK(field(out.objects[1], "rule.id") == "tracker-inventory");
    CHECK(field(out.objects[1], "event.action") == "alert");
    CHECK(leaked_value(out.text, {phi}).empty());
    // Only stdout: the default (stderr) gets the one-line notice of the block, not the JSON.
    CHECK(proxy.stderr_text().find("\"rule\":{\"id\"") == std::string::npos);
    CHECK(proxy.stderr_text().find("\"event\":{") == std::string::npos);
}

TEST_CASE(
    "alert log: the YAML alert_log file is used, and --alert-log and --mode override the "
    "YAML") {
    temp_dir dir;
    origin o;
    auto const from_yaml = dir.file("yaml-alerts.json");
    auto const from_flag = dir.file("flag-alerts.json");
    auto const config = dir.write(
        "policy.yaml", test_policy("2030-01-14", "mode: monitor\nalert_log: " + from_yaml + "\n"));
    auto const phi = meta_pixel_condition();
    {
        proxy_process proxy(pixel_args(o, {"--config", config}));
        auto const r = send_pixel(proxy, o, phi);
        INFO(r.describe());
        INFO("proxy stderr:\n" << proxy.stderr_text());
        CHECK(r.status() == 404);  // monitor: forwarded, the origin answered
        CHECK(o.requests() == 1);
        REQUIRE(wait_alert_lines(from_yaml, 1));
        auto const log = read_alerts(from_yaml);
        INFO("YAML alert log:\n" << log.text);
        CHECK(log.unparsable.empty());
        REQUIRE(log.objects.size() == 1);
        CHECK(field(log.objects[0], "rule.id") == "tracker-phi");
        CHECK(field(log.objects[0], "event.action") == "would_block");
        CHECK(field(log.objects[0], "phiguard.mode") == "monitor");
        CHECK(leaked_value(log.text, {phi}).empty());
        CHECK(read_file_text(from_flag).empty());
    }
    auto const yaml_before = read_file_text(from_yaml);
    {
        proxy_process proxy(
            pixel_args(o, {"--config", config, "--mode", "enforce", "--alert-log", from_flag}));
        auto const r = send_pixel(proxy, o, phi);
        INFO(r.describe());
        INFO("proxy stderr:\n" << proxy.stderr_text());
        CHECK(r.status() == 403);
        CHECK(o.requests() == 1);  // still only the first run's request
        REQUIRE(wait_alert_lines(from_flag, 1));
        auto const log = read_alerts(from_flag);
        INFO("flag alert log:\n" << log.text);
        CHECK(log.unparsable.empty());
        REQUIRE(log.objects.size() == 1);
        CHECK(field(log.objects[0], "rule.id") == "tracker-phi");
        CHECK(field(log.objects[0], "event.action") == "block");
        CHECK(field(log.objects[0], "phiguard.mode") == "enforce");
        CHECK(field(log.objects[0], "phiguard.incident_id") == incident_in(r.body()));
        CHECK(leaked_value(log.text, {phi}).empty());
    }
    CHECK(read_file_text(from_yaml) == yaml_before);  // the YAML's file gained nothing
}

TEST_CASE(
    "alert log: lines that cannot be written are counted and reported, and the block "
    "still happens") {
    temp_dir dir;
    origin o;
    auto const access = dir.file("access.jsonl");
    proxy_process proxy(
        pixel_args(o, {"--config", dir.write("policy.yaml", test_policy()), "--alert-log",
                       "/dev/full", "--access-log", access, "--admin-listen", "127.0.0.1:0"}));
    auto const port = admin_port(proxy);
    auto const phi = meta_pixel_condition();
    constexpr int sends = 3;
    auto const start = std::chrono::steady_clock::now();
    std::vector<std::string> incidents;
    for (int i = 0; i < sends; ++i) {
        auto const r = send_pixel(proxy, o, phi);
        INFO(r.describe());
        INFO("proxy stderr:\n" << proxy.stderr_text());
        CHECK(r.status() == 403);
        CHECK(r.body().find("tracker-phi") != std::string::npos);
        incidents.push_back(incident_in(r.body()));
        CHECK(is_incident_id(incidents.back()));
    }
    CHECK(o.requests() == 0);
    CHECK(o.connections() == 0);

    std::string metrics;
    std::string const alert_series = "phiguard_log_write_failures_total{log=\"alert\"}";
    std::string const access_series = "phiguard_log_write_failures_total{log=\"access\"}";
    // The access log is batched (written out every 100 ms): wait for its three lines.
    CHECK(wait_until(
        [&] {
            auto const text = read_file_text(access);
            return count_of(text, "\"status\":403") >= sends;
        },
        5s, 20ms));
    CHECK(wait_until(
        [&] {
            metrics = admin_get(port, "/metrics").body();
            return metric_value(metrics, alert_series) >= sends;
        },
        5s, 20ms));
    auto const elapsed_ms = ms_since(start);
    INFO("metrics:\n" << metrics);
    CHECK(metric_value(metrics, alert_series) == sends);
    CHECK(metric_value(metrics, access_series) == 0);
    CHECK(metrics.find("# TYPE phiguard_log_write_failures_total counter\n") != std::string::npos);
    CHECK(metric_value(metrics, "phiguard_requests_total{verdict=\"block\"}") == sends);

    auto const err = proxy.stderr_text();
    INFO("proxy stderr:\n" << err);
    // Three lines lost within ten seconds of the first: reported once, for the first. (On a
    // machine so loaded that the three took longer, a second report would be right.)
    CAPTURE(elapsed_ms);
    if (elapsed_ms < 10000)
        CHECK(count_of(err, "cannot write to /dev/full") == 1);
    else
        CHECK(count_of(err, "cannot write to /dev/full") >= 1);
    CHECK(err.find("cannot write to /dev/full: No space left on device (1 line lost so far)") !=
          std::string::npos);
    if (elapsed_ms < 10000) CHECK(err.find("lines lost so far") == std::string::npos);
    // The blocks themselves are still logged on stderr, one per request.
    for (auto const& id : incidents) {
        CAPTURE(id);
        CHECK(count_of(err, id) == 1);
    }
    CHECK(leaked_value(err, {phi}).empty());
    CHECK(leaked_value(read_file_text(access), {phi}).empty());
}
