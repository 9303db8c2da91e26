// Upstream failures become short plain-text answers naming the cause: 502 for a name that does
// not resolve or a refused connection, 504 for an origin slower than response_timeout.
#include "e2e/support/proxy_process.hpp"

#include <doctest/doctest.h>

#include "e2e/support/curl.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/raw_connection.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

TEST_CASE("upstream errors: an unresolvable host is a 502 that mentions resolving") {
    origin o;
    proxy_process proxy(pinned_args(o));
    auto const r = curl(proxy.url(), {"http://no-such-host.invalid/hello"});
    INFO(r.describe());
    CHECK(r.status() == 502);
    CHECK(r.body().rfind("phiguard: ", 0) == 0);
    CHECK(icontains(r.body(), "resolve"));
}

TEST_CASE("upstream errors: a refused connection is a 502 that says refused") {
    origin o;
    auto const port = closed_port();
    proxy_process proxy(
        pinned_args(o, {"--resolve", "refused.test:" + std::to_string(port) + ":127.0.0.1"}));
    auto const r = curl(proxy.url(), {"http://refused.test:" + std::to_string(port) + "/hello"});
    INFO(r.describe());
    CHECK(r.status() == 502);
    CHECK(r.body().rfind("phiguard: ", 0) == 0);
    CHECK(icontains(r.body(), "refused"));
}

TEST_CASE("upstream errors: an origin slower than response_timeout is a 504 that says timed out") {
    origin o;
    temp_dir dir;
    auto const config = dir.write("phiguard.yaml", "upstream:\n  response_timeout: 1s\n");
    proxy_process proxy(pinned_args(o, {"--config", config}));
    auto const r = curl(proxy.url(), {origin_url(o, "/slow?ms=3000")});
    INFO(r.describe());
    CHECK(r.status() == 504);
    CHECK(r.body().rfind("phiguard: ", 0) == 0);
    CHECK(icontains(r.body(), "timed out"));
    CHECK(r.transfers.at(0).seconds >= 0.9);
    CHECK(r.transfers.at(0).seconds < 2.9);
    auto const after = curl(proxy.url(), {origin_url(o, "/hello")});
    CHECK(after.status() == 200);
}
