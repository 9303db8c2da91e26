// CONNECT: an opaque byte tunnel to the allowed ports, verified end to end by curl and openssl
// against the HTTPS origin's own CA; other ports are refused. A CONNECT the policy blocks or
// alerts on by its destination is counted in /metrics like a forwarded request, and so is a
// tunnel when it closes.
#include "e2e/support/proxy_process.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>
#include <vector>

#include "e2e/admin_endpoint.hpp"
#include "e2e/intercept_fixture.hpp"
#include "e2e/support/command.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/raw_connection.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

// origin.test:443 goes to the origin's ephemeral port, so the default connect_ports [443] apply.
proxy_process proxy_to_443(const origin& o) {
    return proxy_process(
        base_args({"--connect-to", "origin.test:443:127.0.0.1:" + std::to_string(o.port())}));
}

std::string connect_ports_config(temp_dir& dir, const origin& o) {
    return dir.write("phiguard.yaml",
                     "upstream:\n  connect_ports: [443, " + std::to_string(o.port()) + "]\n");
}

// A rule that blocks every advertising destination by name, ahead of the reference table.
std::string const block_ads_policy = R"(rules:
  - id: block-ads
    description: no advertising destination at all
    match: {categories: [advertising]}
    action: block
  - id: baa-in-force
    description: BAA vendor with an agreement in force
    match: {baa: [in_force]}
    action: allow
  - id: baa-expired-phi
    description: PHI to a vendor whose BAA has expired
    match: {baa: [expired], phi: true}
    action: block
  - id: tracker-phi
    description: PHI to a tracker without a BAA
    match: {tracker: true, phi: true}
    action: block
  - id: tracker-inventory
    description: tracker without a BAA, no PHI seen (inventory)
    match: {tracker: true, phi: false}
    action: alert
  - id: third-party-phi
    description: PHI to a third party without a BAA
    match: {third_party: true, phi: true}
    action: block
  - id: default-allow
    description: first party, or third party without PHI
    action: allow
)";

std::string verdict_series(const std::string& verdict) {
    return "phiguard_requests_total{verdict=\"" + verdict + "\"}";
}

// The alerts a CONNECT to an advertising host adds: it has no findings, so kind "none".
double no_phi_advertising_alerts(const std::string& metrics) {
    return metric_or_zero(metrics,
                          "phiguard_alerts_total{phi_kind=\"none\",category=\"advertising\"}");
}

}  // namespace

TEST_CASE("connect: curl reaches the HTTPS origin through a tunnel to port 443") {
    origin o(origin::transport::https);
    auto proxy = proxy_to_443(o);
    auto const r = curl(proxy.url(), {"--cacert", o.ca_file(), "https://origin.test/hello"});
    INFO(r.describe());
    INFO(proxy.stderr_text());
    CHECK(r.run.exit_code == 0);
    CHECK(r.status() == 200);
    CHECK(r.body() == origin::hello_body);
    CHECK(o.connections() == 1);
    REQUIRE(o.requests() == 1);
    CHECK(o.records().at(0).header("Host") == "origin.test");
}

TEST_CASE("connect: several HTTPS requests share one tunnel") {
    origin o(origin::transport::https);
    auto proxy = proxy_to_443(o);
    auto const r = curl(proxy.url(), {"--cacert", o.ca_file(), "https://origin.test/hello",
                                      "https://origin.test/bytes?n=300000"});
    INFO(r.describe());
    REQUIRE(r.transfers.size() == 2);
    CHECK(r.transfers[0].status == 200);
    CHECK(r.transfers[1].status == 200);
    CHECK(r.transfers[1].size_download == 300'000);
    CHECK(o.connections() == 1);
}

TEST_CASE("connect: openssl s_client verifies the origin through the tunnel") {
    origin o(origin::transport::https);
    auto proxy = proxy_to_443(o);
    auto const s = run_command(
        {"openssl", "s_client", "-proxy", "127.0.0.1:" + std::to_string(proxy.port()), "-connect",
         "origin.test:443", "-servername", "origin.test", "-CAfile", o.ca_file(),
         "-verify_return_error", "-verify_hostname", "origin.test", "-brief"},
        15s);
    INFO(s.out);
    INFO(s.err);
    CHECK(s.err.find("Verification: OK") != std::string::npos);
    CHECK(o.connections() == 1);
}

TEST_CASE("connect: a port listed in connect_ports is tunnelled with a --resolve pin") {
    origin o(origin::transport::https);
    temp_dir dir;
    proxy_process proxy(pinned_args(o, {"--config", connect_ports_config(dir, o)}));
    auto const r = curl(
        proxy.url(),
        {"--cacert", o.ca_file(), "https://origin.test:" + std::to_string(o.port()) + "/hello"});
    INFO(r.describe());
    CHECK(r.status() == 200);
    CHECK(r.body() == origin::hello_body);
}

TEST_CASE("connect: the tunnel carries bytes untouched") {
    origin o;  // plain HTTP behind the tunnel: the proxy must not parse or rewrite it
    temp_dir dir;
    proxy_process proxy(pinned_args(o, {"--config", connect_ports_config(dir, o)}));
    raw_connection c(proxy.port());
    auto const authority = "origin.test:" + std::to_string(o.port());
    REQUIRE(c.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
    auto const established = c.read_response(5s, true);
    REQUIRE_MESSAGE(established, "received: " << c.received());
    CHECK(established->status == 200);
    REQUIRE(
        c.send("GET /hello HTTP/1.1\r\nHost: inner.test\r\nProxy-Connection: keep-alive\r\n"
               "Connection: close\r\n\r\n"));
    auto const inner = c.read_response(5s);
    REQUIRE_MESSAGE(inner, "received: " << c.received());
    CHECK(inner->body == origin::hello_body);
    REQUIRE(o.requests() == 1);
    auto const rec = o.records().at(0);
    CHECK(rec.header("Host") == "inner.test");
    CHECK(rec.header("Proxy-Connection") == "keep-alive");
    CHECK_FALSE(rec.has_header("Via"));
}

TEST_CASE("connect: a port outside connect_ports is refused with 403") {
    origin o(origin::transport::https);
    proxy_process proxy(pinned_args(o));
    raw_connection c(proxy.port());
    auto const authority = "origin.test:" + std::to_string(o.port());
    REQUIRE(c.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
    auto const reply = c.read_response(5s);
    REQUIRE_MESSAGE(reply, "received: " << c.received());
    CHECK(reply->status == 403);
    CHECK(reply->body.rfind("phiguard: ", 0) == 0);
    CHECK(o.connections() == 0);
}

TEST_CASE("connect: a blocked CONNECT counts as a block and an alert in /metrics") {
    origin o(origin::transport::https);  // what www.facebook.com:443 would reach; it never is
    temp_dir dir;
    proxy_process proxy(base_args({"--config", dir.write("policy.yaml", block_ads_policy),
                                   "--admin-listen", "127.0.0.1:0", "--connect-to",
                                   "www.facebook.com:443:127.0.0.1:" + std::to_string(o.port())}));
    auto const admin = admin_port(proxy);
    auto scrape = [&] { return admin_get(admin, "/metrics").body(); };
    auto const before = scrape();
    INFO("before:\n" << before);
    REQUIRE(metric_value(before, verdict_series("block")) >= 0);

    auto const r = curl(proxy.url(), {"-p", "--cacert", o.ca_file(), "https://www.facebook.com/"});
    INFO(r.describe());
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(r.run.exit_code != 0);  // curl gives up on the tunnel
    CHECK(r.reply().status == 403);
    CHECK(r.run.err.find("403") != std::string::npos);
    CHECK(o.connections() == 0);

    std::string after;
    wait_until(
        [&] {
            after = scrape();
            return metric_value(after, verdict_series("block")) >
                   metric_value(before, verdict_series("block"));
        },
        5s, 20ms);
    std::this_thread::sleep_for(200ms);
    after = scrape();
    INFO("after:\n" << after);
    auto delta = [&](const std::string& series) {
        return metric_or_zero(after, series) - metric_or_zero(before, series);
    };
    CHECK(delta(verdict_series("block")) == 1);
    CHECK(delta(verdict_series("error")) == 0);
    CHECK(delta(verdict_series("allow")) == 0);
    CHECK(delta(verdict_series("alert")) == 0);
    CHECK(delta("phiguard_request_duration_seconds_count") == 1);
    CHECK(no_phi_advertising_alerts(after) - no_phi_advertising_alerts(before) == 1);
    CHECK(metric_sum(after, "phiguard_alerts_total") -
              metric_sum(before, "phiguard_alerts_total") ==
          1);
}

TEST_CASE("connect: a CONNECT to a tracker alerted as inventory counts one alert in /metrics") {
    origin o(posing_leaf());
    proxy_process proxy(base_args({"--admin-listen", "127.0.0.1:0", "--connect-to",
                                   "www.facebook.com:443:127.0.0.1:" + std::to_string(o.port())}));
    auto const admin = admin_port(proxy);
    auto scrape = [&] { return admin_get(admin, "/metrics").body(); };
    auto const before = scrape();
    INFO("before:\n" << before);

    // Spliced, not intercepted: the default policy alerts on the tracker by name and lets the
    // tunnel through; the origin (posing as www.facebook.com) answers inside it.
    auto const r = curl(proxy.url(), {"--cacert", o.ca_file(), "https://www.facebook.com/hello"});
    INFO(r.describe());
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(r.status() == 200);
    CHECK(r.body() == origin::hello_body);
    CHECK(o.connections() == 1);

    std::string after;
    wait_until(
        [&] {
            after = scrape();
            return no_phi_advertising_alerts(after) > no_phi_advertising_alerts(before);
        },
        5s, 20ms);
    std::this_thread::sleep_for(200ms);
    after = scrape();
    INFO("after:\n" << after);
    CHECK(no_phi_advertising_alerts(after) - no_phi_advertising_alerts(before) == 1);
    CHECK(metric_sum(after, "phiguard_alerts_total") -
              metric_sum(before, "phiguard_alerts_total") ==
          1);
    for (auto const* v : {"block", "error"}) {
        CAPTURE(v);
        CHECK(metric_value(after, verdict_series(v)) == metric_value(before, verdict_series(v)));
    }
    // The tunnel itself counts once as an alerted request, once curl has closed it.
    CHECK(wait_until(
        [&] {
            after = scrape();
            return metric_value(after, verdict_series("alert")) >
                   metric_value(before, verdict_series("alert"));
        },
        5s, 20ms));
    CHECK(metric_value(after, verdict_series("alert")) -
              metric_value(before, verdict_series("alert")) ==
          1);
    CHECK(metric_value(after, verdict_series("allow")) ==
          metric_value(before, verdict_series("allow")));
}

TEST_CASE("connect: an allowed tunnel counts once in requests_total, not in the latency") {
    origin o(origin::transport::https);
    proxy_process proxy(base_args({"--admin-listen", "127.0.0.1:0", "--connect-to",
                                   "origin.test:443:127.0.0.1:" + std::to_string(o.port())}));
    auto const admin = admin_port(proxy);
    auto scrape = [&] { return admin_get(admin, "/metrics").body(); };
    auto const before = scrape();
    INFO("before:\n" << before);

    // Three HTTPS requests in one spliced tunnel: one CONNECT, counted when the tunnel closes.
    auto const r = curl(proxy.url(), {"--cacert", o.ca_file(), "https://origin.test/hello",
                                      "https://origin.test/hello", "https://origin.test/hello"});
    INFO(r.describe());
    REQUIRE(r.run.exit_code == 0);
    REQUIRE(o.requests() == 3);
    std::string after;
    CHECK(wait_until(
        [&] {
            after = scrape();
            return metric_value(after, verdict_series("allow")) >
                   metric_value(before, verdict_series("allow"));
        },
        5s, 20ms));
    std::this_thread::sleep_for(200ms);
    after = scrape();
    INFO("after:\n" << after);
    CHECK(metric_value(after, verdict_series("allow")) -
              metric_value(before, verdict_series("allow")) ==
          1);
    CHECK(metric_value(after, "phiguard_request_duration_seconds_count") ==
          metric_value(before, "phiguard_request_duration_seconds_count"));
}
