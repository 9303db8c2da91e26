// The admin listener of a real `phiguard run`: health, readiness and metrics on their own port,
// and metrics that count exactly the traffic that went through.
#include "e2e/admin_endpoint.hpp"

#include <doctest/doctest.h>

#include <string>
#include <thread>

#include "e2e/support/command.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/proxy_process.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> admin_args(const origin& o) {
    return pinned_args(o, {"--admin-listen", "127.0.0.1:0"});
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

TEST_CASE("admin: a batch of requests moves the request counters by exactly that batch") {
    origin o;
    proxy_process proxy(admin_args(o));
    auto const port = admin_port(proxy);
    auto scrape = [&] { return admin_get(port, "/metrics").body(); };
    std::string const allow = "phiguard_requests_total{verdict=\"allow\"}";
    std::string const count = "phiguard_request_duration_seconds_count";

    auto const before = scrape();
    INFO(before);
    REQUIRE(metric_value(before, allow) >= 0);
    constexpr int batch = 6;
    for (int i = 0; i < batch; ++i) {
        auto const r = curl(proxy.url(), {origin_url(o, "/hello?i=" + std::to_string(i))});
        REQUIRE(r.status() == 200);
    }
    // The counter may move just after curl has its answer; wait for it, then make sure it
    // stopped at the batch size (nothing counted twice, scrapes not counted as requests).
    std::string after;
    wait_until(
        [&] {
            after = scrape();
            return metric_value(after, allow) - metric_value(before, allow) >= batch;
        },
        5s, 20ms);
    std::this_thread::sleep_for(200ms);
    after = scrape();
    INFO(after);
    CHECK(metric_value(after, allow) - metric_value(before, allow) == batch);
    CHECK(metric_value(after, count) - metric_value(before, count) == batch);
    CHECK(metric_value(after, "phiguard_requests_total{verdict=\"block\"}") ==
          metric_value(before, "phiguard_requests_total{verdict=\"block\"}"));
    CHECK(metric_value(after, "phiguard_active_connections") >= 0);
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
