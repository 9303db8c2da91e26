// The admin listener of a real `phiguard run`: health, readiness and metrics on their own port,
// and metrics that count exactly the traffic that went through.
#include "e2e/admin_endpoint.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "e2e/support/command.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/proxy_process.hpp"
#include "e2e/tracker_requests.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> admin_args(const origin& o, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"--admin-listen", "127.0.0.1:0"};
    args.insert(args.end(), extra.begin(), extra.end());
    return pinned_args(o, args);
}

std::string verdict_series(std::string_view verdict) {
    return "phiguard_requests_total{verdict=\"" + std::string(verdict) + "\"}";
}

std::string alert_series(std::string_view kind, std::string_view category) {
    return "phiguard_alerts_total{phi_kind=\"" + std::string(kind) + "\",category=\"" +
           std::string(category) + "\"}";
}

// What the proxy scans of one request, from the head `curl -v` printed as sent ("> " lines):
// the absolute request-target (the URL the proxy rebuilds from it), each header field's name
// and value, and `body_size` body bytes. 0 when curl printed no request line.
std::uint64_t scanned_bytes(const curl_result& r, std::size_t body_size) {
    std::istringstream in(r.run.err);
    std::string line;
    std::uint64_t total = 0;
    bool in_head = false;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.rfind("> ", 0) != 0 && line != ">") {
            if (in_head) break;
            continue;
        }
        auto const text = line.size() > 2 ? line.substr(2) : std::string();
        if (!in_head) {
            // "METHOD TARGET HTTP/1.1"
            auto const first = text.find(' ');
            auto const last = text.rfind(' ');
            if (first == std::string::npos || last <= first) return 0;
            total += last - first - 1;
            in_head = true;
            continue;
        }
        if (text.empty()) break;  // end of the head
        auto const colon = text.find(':');
        if (colon == std::string::npos) return 0;
        auto value = text.substr(colon + 1);
        auto const from = value.find_first_not_of(" \t");
        auto const to = value.find_last_not_of(" \t");
        value = from == std::string::npos ? std::string() : value.substr(from, to - from + 1);
        total += colon + value.size();
    }
    return in_head ? total + body_size : 0;
}

// A tracker request sent as plain HTTP to its host on the origin's port (pinned by --resolve),
// with `curl -v` so scanned_bytes() can read the head back.
curl_result send_plain(const proxy_process& proxy, const origin& o, const temp_dir& dir,
                       const tracker_request& r) {
    auto url = r.url;
    auto const host_at = url.find("://") + 3;
    auto const path_at = url.find('/', host_at);
    url = "http://" + url.substr(host_at, path_at - host_at) + ":" + std::to_string(o.port()) +
          url.substr(path_at);
    std::vector<std::string> args{"-v", "-g", "-X", r.method};
    if (!r.content_type.empty()) args.insert(args.end(), {"-H", "Content-Type: " + r.content_type});
    if (r.method != "GET")
        args.insert(args.end(), {"--data-binary", "@" + dir.write(r.name, r.body)});
    args.push_back(url);
    return curl(proxy.url(), args);
}

// Replaces `name` in `dir` atomically (a dated sibling renamed over it), its mtime two seconds
// after the old one, so the proxy's file poll sees exactly one change and never half a file.
void replace_file(const temp_dir& dir, const std::string& name, const std::string& content) {
    auto const path = dir.path() / name;
    auto const old = std::filesystem::last_write_time(path);
    auto const next = dir.write(name + ".next", content);
    std::filesystem::last_write_time(next, old + 2s);
    std::filesystem::rename(next, path);
}

}  // namespace

TEST_CASE("admin: /healthz, /readyz and /metrics answer on the --admin-listen port") {
    origin o;
    proxy_process proxy(admin_args(o));
    auto const port = admin_port(proxy);
    INFO(proxy.stderr_text());
    CHECK(port != proxy.port());

    auto const health = admin_get(port, "/healthz");
    INFO(health.describe());
    CHECK(health.status() == 200);
    CHECK(health.body() == "ok\n");

    // Ready once the policy is compiled (and, when intercepting, the CA loaded).
    CHECK(wait_until([&] { return admin_get(port, "/readyz").status() == 200; }, 10s, 50ms));

    auto const m = admin_get(port, "/metrics");
    INFO(m.describe());
    CHECK(m.status() == 200);
    CHECK(m.reply().header("Content-Type").find("version=0.0.4") != std::string::npos);
    for (auto const* family :
         {"phiguard_requests_total counter", "phiguard_request_duration_seconds histogram",
          "phiguard_alerts_total counter", "phiguard_scanned_bytes_total counter",
          "phiguard_scan_duration_seconds histogram", "phiguard_cert_cache_hits_total counter",
          "phiguard_cert_cache_misses_total counter", "phiguard_active_connections gauge",
          "phiguard_policy_generation gauge", "phiguard_policy_reloads_total counter"}) {
        CAPTURE(family);
        CHECK(m.body().find(std::string("# TYPE ") + family + "\n") != std::string::npos);
    }

    CHECK(admin_get(port, "/").status() == 404);
    CHECK(admin_get(port, "/metrics/extra").status() == 404);
}

TEST_CASE("admin: the admin listener is not mistaken for a proxy listener") {
    origin o;
    proxy_process proxy(admin_args(o));
    admin_port(proxy);
    // Only --listen addresses are announced as "listening on".
    CHECK(proxy.ports(2, 300ms).size() == 1);
    auto const r = curl(proxy.url(), {origin_url(o, "/hello")});
    CHECK(r.status() == 200);
}

TEST_CASE(
    "admin: /metrics moves by exactly a known batch of allowed, alerted and blocked requests") {
    origin o;
    auto const port_text = std::to_string(o.port());
    // The trackers are pinned to the origin and reached over plain HTTP, so the proxy scans
    // exactly the head curl sent (and the batch needs no CA).
    proxy_process proxy(
        admin_args(o, {"--resolve", "www.facebook.com:" + port_text + ":127.0.0.1", "--resolve",
                       "www.google-analytics.com:" + port_text + ":127.0.0.1"}));
    auto const port = admin_port(proxy);
    auto scrape = [&] { return admin_get(port, "/metrics").body(); };
    temp_dir dir;

    auto const before = scrape();
    INFO("before:\n" << before);
    REQUIRE(metric_value(before, verdict_series("allow")) >= 0);

    // The batch: three clean requests to an unknown host (allow), a Pixel PageView without PHI
    // (tracker inventory: alert, forwarded) and two tracker requests carrying PHI (block).
    std::uint64_t expected_bytes = 0;
    auto scanned = [&](const curl_result& r, std::size_t body_size) {
        auto const n = scanned_bytes(r, body_size);
        REQUIRE_MESSAGE(n > 0, "no request head in curl -v output");
        expected_bytes += n;
    };
    for (int i = 0; i < 3; ++i) {
        auto const r = curl(proxy.url(), {"-v", origin_url(o, "/hello?i=" + std::to_string(i))});
        INFO(r.describe());
        REQUIRE(r.status() == 200);
        scanned(r, 0);
    }
    auto const clean = send_plain(proxy, o, dir, meta_pixel_clean());
    INFO(clean.describe());
    REQUIRE(clean.status() == 404);  // the origin's own answer: forwarded
    scanned(clean, 0);
    for (auto const& req : {meta_pixel_condition(), ga4_batch_mrn()}) {
        auto const r = send_plain(proxy, o, dir, req);
        INFO(req.name);
        INFO(r.describe());
        REQUIRE(r.status() == 403);
        REQUIRE(r.body().find("tracker-phi") != std::string::npos);
        scanned(r, req.body.size());
    }
    CHECK(o.requests() == 4);  // the blocked two never reached it

    // The counters move just after curl has its answer: wait for the whole batch, then make sure
    // it stopped there (nothing counted twice, scrapes not counted as requests).
    auto finished = [&](const std::string& text) {
        double n = 0;
        for (auto const* v : {"allow", "alert", "block", "would_block", "error", "other"})
            n += metric_value(text, verdict_series(v)) - metric_value(before, verdict_series(v));
        return n;
    };
    std::string after;
    wait_until(
        [&] {
            after = scrape();
            return finished(after) >= 6;
        },
        5s, 20ms);
    std::this_thread::sleep_for(200ms);
    after = scrape();
    INFO("after:\n" << after);
    INFO("proxy stderr:\n" << proxy.stderr_text());
    auto delta = [&](const std::string& series) {
        return metric_or_zero(after, series) - metric_or_zero(before, series);
    };
    CHECK(delta(verdict_series("allow")) == 3);
    CHECK(delta(verdict_series("alert")) == 1);
    CHECK(delta(verdict_series("block")) == 2);
    CHECK(delta(verdict_series("would_block")) == 0);
    CHECK(delta(verdict_series("error")) == 0);
    CHECK(delta(verdict_series("other")) == 0);
    CHECK(delta("phiguard_request_duration_seconds_count") == 6);

    // One alert series step per finding (as `phiguard explain` lists them: the Pixel's condition
    // and physician, the GA4 body's MRN), and one for the inventory alert that has none.
    CHECK(delta(alert_series("condition", "advertising")) == 1);
    CHECK(delta(alert_series("provider_name", "advertising")) == 1);
    CHECK(delta(alert_series("mrn", "analytics")) == 1);
    // The no-PHI alert has its own kind, "none", apart from "other" (an unlisted PHI kind).
    CHECK(delta(alert_series("none", "advertising")) == 1);
    CHECK(delta(alert_series("other", "advertising")) == 0);
    CHECK(metric_sum(after, "phiguard_alerts_total") -
              metric_sum(before, "phiguard_alerts_total") ==
          4);

    // Every request was scanned once: its absolute URL, each header field's name and value, and
    // the body it held.
    CHECK(delta("phiguard_scan_duration_seconds_count") == 6);
    CHECK(delta("phiguard_scanned_bytes_total") == static_cast<double>(expected_bytes));

    // The clients are gone: so are their connections.
    auto const open_before = metric_value(before, "phiguard_active_connections");
    CHECK(open_before >= 0);
    double open_after = -1;
    wait_until(
        [&] {
            open_after = metric_value(scrape(), "phiguard_active_connections");
            return open_after == open_before;
        },
        5s, 20ms);
    CHECK(open_after == open_before);
}

TEST_CASE("admin: policy generation and reload results appear in /metrics") {
    origin o;
    temp_dir dir;
    auto const config = dir.write("policy.yaml", "first_party:\n  - portal.examplehealth.org\n");
    proxy_process proxy(admin_args(o, {"--config", config}));
    auto const port = admin_port(proxy);
    auto scrape = [&] { return admin_get(port, "/metrics").body(); };
    std::string const generation = "phiguard_policy_generation";
    std::string const ok = "phiguard_policy_reloads_total{result=\"ok\"}";
    std::string const failed = "phiguard_policy_reloads_total{result=\"failed\"}";

    // The load at start-up counts as one successful load of generation 1.
    auto m = scrape();
    {
        INFO("at start:\n" << m);
        CHECK(metric_value(m, generation) == 1);
        CHECK(metric_value(m, ok) == 1);
        CHECK(metric_value(m, failed) == 0);
    }

    // A valid edit and SIGHUP: generation 2, one more successful load. (Only a file poll landing
    // in the microseconds between the rename and the signal could load the edit before the
    // SIGHUP does, and the SIGHUP then load it again.)
    replace_file(dir, "policy.yaml",
                 "first_party:\n  - portal.examplehealth.org\n  - www.examplehealth.org\n");
    proxy.signal(SIGHUP);
    CHECK(wait_until(
        [&] {
            m = scrape();
            return metric_value(m, generation) >= 2;
        },
        policy_compile_limit, 50ms));
    {
        INFO("after the valid reload:\n" << m);
        INFO("proxy stderr:\n" << proxy.stderr_text());
        CHECK(metric_value(m, generation) == 2);
        CHECK(metric_value(m, ok) == 2);
        CHECK(metric_value(m, failed) == 0);
    }
    // The once-a-second file poll must not load the same edit a second time.
    std::this_thread::sleep_for(2500ms);
    m = scrape();
    {
        INFO("2.5 s later:\n" << m);
        INFO("proxy stderr:\n" << proxy.stderr_text());
        CHECK(metric_value(m, generation) == 2);
        CHECK(metric_value(m, ok) == 2);
        CHECK(metric_value(m, failed) == 0);
    }

    // A YAML syntax error and SIGHUP: one failed load, generation 2 stays in force.
    replace_file(dir, "policy.yaml", "first_party: [portal.examplehealth.org\n");
    proxy.signal(SIGHUP);
    CHECK(wait_until(
        [&] {
            m = scrape();
            return metric_value(m, failed) >= 1;
        },
        policy_compile_limit, 50ms));
    {
        INFO("after the rejected reload:\n" << m);
        INFO("proxy stderr:\n" << proxy.stderr_text());
        CHECK(metric_value(m, generation) == 2);
        CHECK(metric_value(m, ok) == 2);
        CHECK(metric_value(m, failed) == 1);
        CHECK(proxy.stderr_text().find("generation 2 stays in force") != std::string::npos);
    }
    std::this_thread::sleep_for(2500ms);
    m = scrape();
    {
        INFO("2.5 s later:\n" << m);
        INFO("proxy stderr:\n" << proxy.stderr_text());
        CHECK(metric_value(m, generation) == 2);
        CHECK(metric_value(m, ok) == 2);
        CHECK(metric_value(m, failed) == 1);
    }
    // Still serving on generation 2.
    CHECK(curl(proxy.url(), {origin_url(o, "/hello")}).status() == 200);
}

TEST_CASE("admin: an --admin-listen address already in use stops the start, naming it") {
    origin o;  // holds its port
    auto const taken = "127.0.0.1:" + std::to_string(o.port());
    auto const r = run_command({PHIGUARD_BINARY, "run", "--listen", "127.0.0.1:0", "--no-intercept",
                                "--admin-listen", taken},
                               policy_compile_limit);
    INFO(r.err);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code != 0);
    CHECK(r.err.find(taken) != std::string::npos);
}

TEST_CASE("admin: an oversized request head gets no answer and the listener keeps serving") {
    origin o;
    proxy_process proxy(admin_args(o));
    auto const port = admin_port(proxy);
    auto const big = curl("", {"-H", "X-Big: " + std::string(16 * 1024, 'a'),
                               "http://127.0.0.1:" + std::to_string(port) + "/healthz"});
    CHECK(big.status() == 0);
    CHECK(admin_get(port, "/healthz").status() == 200);
}
