// The process as operators see it: version, listeners, configuration, and a graceful SIGTERM
// that readiness probes see at once.
#include "e2e/support/proxy_process.hpp"

#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "e2e/admin_endpoint.hpp"
#include "e2e/support/command.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/raw_connection.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

TEST_CASE("lifecycle: --version prints the release version") {
    auto const r = run_command({phiguard_binary(), "--version"}, 10s);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    // "phiguard X.Y.Z": three dot-separated numbers after the name.
    REQUIRE(r.out.rfind("phiguard ", 0) == 0);
    auto const version = r.out.substr(9, r.out.find_first_of(" \n", 9) - 9);
    auto const first = version.find('.');
    auto const second = version.find('.', first == std::string::npos ? first : first + 1);
    CHECK(first != std::string::npos);
    CHECK(second != std::string::npos);
    CHECK(version.find_first_not_of("0123456789.") == std::string::npos);
    CHECK(r.out.find(std::string("phiguard ") + PHIGUARD_VERSION) != std::string::npos);
}

TEST_CASE("lifecycle: --help exits 0 and documents the run options") {
    auto const r = run_command({phiguard_binary(), "run", "--help"}, 10s);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    for (auto const* flag : {"--listen", "--config", "--resolve", "--connect-to",
                             "--allow-upstream", "--access-log", "--threads"}) {
        CAPTURE(flag);
        CHECK((r.out + r.err).find(flag) != std::string::npos);
    }
}

TEST_CASE("lifecycle: repeated --listen opens one listener per flag") {
    origin o;
    proxy_process proxy(pinned_args(o, {"--listen", "127.0.0.1:0"}));
    auto const ports = proxy.ports(2);
    INFO(proxy.stderr_text());
    REQUIRE(ports.size() == 2);
    CHECK(ports[0] != ports[1]);
    for (auto const port : ports) {
        auto const r = curl("http://127.0.0.1:" + std::to_string(port), {origin_url(o, "/hello")});
        CHECK(r.status() == 200);
    }
}

TEST_CASE("lifecycle: listen and threads are read from the YAML config") {
    origin o;
    temp_dir dir;
    auto const config = dir.write("phiguard.yaml", "listen: [\"127.0.0.1:0\"]\nthreads: 2\n");
    proxy_process proxy({"run", "--no-intercept", "--config", config, "--resolve",
                         "origin.test:" + std::to_string(o.port()) + ":127.0.0.1"});
    auto const r = curl(proxy.url(), {origin_url(o, "/hello")});
    CHECK(r.status() == 200);
}

TEST_CASE("lifecycle: an invalid config or a missing file stops the start with an error") {
    temp_dir dir;
    auto const bad = dir.write("bad.yaml", "limits:\n  head_timeout: banana\n");
    for (auto const& config : {bad, dir.file("missing.yaml")}) {
        CAPTURE(config);
        auto const r = run_command({phiguard_binary(), "run", "--listen", "127.0.0.1:0",
                                    "--no-intercept", "--config", config},
                                   10s);
        INFO(r.err);
        CHECK_FALSE(r.timed_out);
        CHECK(r.exit_code != 0);
        CHECK_FALSE(r.err.empty());
    }
}

TEST_CASE("lifecycle: SIGTERM stops accepting, lets the request in flight finish, exits 0") {
    origin o;
    proxy_process proxy(pinned_args(o));
    curl_result slow;
    std::jthread client([&] { slow = curl(proxy.url(), {origin_url(o, "/slow?ms=1500")}); });
    REQUIRE(wait_until([&] { return o.requests() >= 1; }, 5s));
    proxy.signal(SIGTERM);
    bool const refused = wait_until([&] { return connect_refused(proxy.port()); }, 1s);
    bool const still_in_flight = o.responses_done() == 0;
    client.join();
    auto const code = proxy.wait_exit(10s);

    INFO(slow.describe());
    INFO(proxy.stderr_text());
    CHECK_MESSAGE(refused, "the listener still accepted connections after SIGTERM");
    CHECK(still_in_flight);
    CHECK(slow.status() == 200);
    CHECK(slow.body() == "slow done\n");
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK(connect_refused(proxy.port()));
}

TEST_CASE("lifecycle: SIGTERM gives up on a request that outlives drain_timeout") {
    origin o;
    temp_dir dir;
    auto const config = dir.write("phiguard.yaml", "limits:\n  drain_timeout: 1s\n");
    proxy_process proxy(pinned_args(o, {"--config", config}));
    std::jthread client([&] { curl(proxy.url(), {origin_url(o, "/slow?ms=8000")}); });
    REQUIRE(wait_until([&] { return o.requests() >= 1; }, 5s));
    auto const start = std::chrono::steady_clock::now();
    proxy.signal(SIGTERM);
    auto const code = proxy.wait_exit(7s);
    double const after = ms_since(start);
    INFO(proxy.stderr_text());
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK(after >= 800);
    CHECK(after < 4000);
}

TEST_CASE("lifecycle: an idle keep-alive connection does not hold up SIGTERM") {
    origin o;
    proxy_process proxy(pinned_args(o));  // default drain_timeout 10 s
    raw_connection c(proxy.port());
    REQUIRE(c.send(request_start(o, "GET", "/hello") + "\r\n"));
    REQUIRE(c.read_response(5s));
    proxy.signal(SIGTERM);
    auto const code = proxy.wait_exit(5s);
    INFO(proxy.stderr_text());
    REQUIRE_MESSAGE(code.has_value(), "still running 5 s after SIGTERM with one idle client");
    CHECK(*code == 0);
    CHECK(c.wait_closed(1s));
}

TEST_CASE("lifecycle: /readyz turns 503 when SIGTERM starts the drain while /healthz stays 200") {
    origin o;
    proxy_process proxy(pinned_args(o, {"--admin-listen", "127.0.0.1:0"}));
    auto const admin = admin_port(proxy);
    REQUIRE(wait_until([&] { return admin_get(admin, "/readyz").status() == 200; }, 10s, 50ms));

    curl_result slow;
    std::jthread client([&] { slow = curl(proxy.url(), {origin_url(o, "/slow?ms=3000")}); });
    REQUIRE(wait_until([&] { return o.requests() >= 1; }, 5s));
    proxy.signal(SIGTERM);
    curl_result ready;
    bool const not_ready = wait_until(
        [&] {
            ready = admin_get(admin, "/readyz");
            return ready.status() == 503;
        },
        2s, 20ms);
    auto const health = admin_get(admin, "/healthz");
    auto const ready_again = admin_get(admin, "/readyz");
    // All of the above happened during the drain, with the slow request still in flight.
    bool const still_in_flight = o.responses_done() == 0;
    client.join();
    auto const code = proxy.wait_exit(10s);

    INFO(ready.describe());
    INFO(health.describe());
    INFO(slow.describe());
    INFO(proxy.stderr_text());
    CHECK_MESSAGE(not_ready, "/readyz did not turn 503 within 2 s of SIGTERM");
    CHECK(ready.body() == "not ready\n");
    CHECK(ready_again.status() == 503);  // and stays so
    CHECK(health.status() == 200);
    CHECK(health.body() == "ok\n");
    CHECK(still_in_flight);
    CHECK(slow.status() == 200);
    CHECK(slow.body() == "slow done\n");
    REQUIRE(code.has_value());
    CHECK(*code == 0);
    CHECK(connect_refused(admin));
}
