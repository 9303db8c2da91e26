// The SSRF guard: loopback, link-local and private destinations are refused with 403 before any
// connection is tried, unless --allow-upstream or a pin lets them through.
#include "e2e/support/proxy_process.hpp"

#include <doctest/doctest.h>

#include "e2e/support/curl.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/raw_connection.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

TEST_CASE("ssrf: loopback origins are refused without a pin or an allowance") {
    origin o;
    proxy_process proxy(base_args());
    auto const port = std::to_string(o.port());
    for (auto const& url :
         {"http://127.0.0.1:" + port + "/hello", "http://localhost:" + port + "/hello",
          "http://[::1]:" + port + "/hello"}) {
        CAPTURE(url);
        auto const r = curl(proxy.url(), {url});
        INFO(r.describe());
        CHECK(r.status() == 403);
        CHECK(r.body().rfind("phiguard: ", 0) == 0);
    }
    CHECK(o.connections() == 0);
}

TEST_CASE("ssrf: cloud metadata and private addresses are refused at once") {
    proxy_process proxy(base_args());
    for (std::string url : {"http://169.254.169.254/latest/meta-data/", "http://10.1.2.3/",
                            "http://172.16.5.4/", "http://192.168.1.1/"}) {
        CAPTURE(url);
        // A connection attempt to these would hang until the timeout; a 403 comes at once.
        auto const r = curl(proxy.url(), {url}, 10s);
        INFO(r.describe());
        CHECK(r.status() == 403);
        CHECK(r.transfers.at(0).seconds < 2.0);
    }
}

TEST_CASE("ssrf: CONNECT to a loopback address is refused") {
    origin o(origin::transport::https);
    proxy_process proxy(base_args());
    raw_connection c(proxy.port());
    REQUIRE(c.send("CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n"));
    auto const reply = c.read_response(5s);
    REQUIRE_MESSAGE(reply, "received: " << c.received());
    CHECK(reply->status == 403);
}

TEST_CASE("ssrf: --allow-upstream 127.0.0.0/8 lets a loopback origin through") {
    origin o;
    proxy_process proxy(base_args({"--allow-upstream", "127.0.0.0/8"}));
    auto const r = curl(proxy.url(), {"http://127.0.0.1:" + std::to_string(o.port()) + "/hello"});
    INFO(r.describe());
    CHECK(r.status() == 200);
    CHECK(r.body() == origin::hello_body);
}

TEST_CASE("ssrf: the allowance read from YAML works like the flag") {
    origin o;
    temp_dir dir;
    auto const config = dir.write("phiguard.yaml", "upstream:\n  allow: [\"127.0.0.0/8\"]\n");
    proxy_process proxy(base_args({"--config", config}));
    auto const r = curl(proxy.url(), {"http://127.0.0.1:" + std::to_string(o.port()) + "/hello"});
    INFO(r.describe());
    CHECK(r.status() == 200);
}
