// WebSocket upgrades: relayed after the handshake, inside intercepted TLS and in plain HTTP,
// with a real Beast WebSocket client and origin; other upgrades are never passed on.
#include <doctest/doctest.h>

#include <string>

#include "e2e/intercept_fixture.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/proxy_process.hpp"
#include "e2e/support/websocket_client.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

TEST_CASE("websocket: an upgrade inside an intercepted connection is relayed both ways") {
    origin o(posing_leaf());
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o), {}, policy_compile_limit);
    auto const r = websocket_through_proxy({proxy.port(), "origin.test", "/ws", ca.cert()},
                                           "ping through the tunnel", 20s);
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(r.error == "");
    CHECK(r.greeting == origin::websocket_greeting);
    CHECK(r.echo == "ping through the tunnel");
    REQUIRE(o.requests() == 1);
    auto const rec = o.records().at(0);
    CHECK(rec.target == "/ws");
    CHECK(rec.header("Upgrade") == "websocket");
    CHECK(rec.header("Host") == "origin.test");
    CHECK_FALSE(rec.header("Sec-WebSocket-Key").empty());

    // The connection is a tunnel now; the proxy still serves new requests.
    auto const after = curl_intercepted(proxy.url(), ca, {"https://origin.test/hello"});
    INFO(after.describe());
    CHECK(after.status() == 200);
}

TEST_CASE("websocket: a plain upgrade through the proxy is relayed both ways") {
    origin o;
    proxy_process proxy(pinned_args(o));
    auto const authority = std::string(origin_host) + ":" + std::to_string(o.port());
    auto const r = websocket_through_proxy({proxy.port(), authority, "/ws", ""}, "plain ping", 20s);
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(r.error == "");
    CHECK(r.greeting == origin::websocket_greeting);
    CHECK(r.echo == "plain ping");
}

TEST_CASE("websocket: an Upgrade other than websocket is not passed on") {
    origin o;
    proxy_process proxy(pinned_args(o));
    auto const r = curl(proxy.url(),
                        {"-H", "Connection: Upgrade, HTTP2-Settings", "-H", "Upgrade: h2c", "-H",
                         "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA", origin_url(o, "/echo")},
                        20s);
    INFO(r.describe());
    REQUIRE(r.status() == 200);
    REQUIRE(o.requests() == 1);
    auto const rec = o.records().at(0);
    CHECK_FALSE(rec.has_header("Upgrade"));
    CHECK_FALSE(rec.has_header("HTTP2-Settings"));
    CHECK_FALSE(rec.has_header("Connection"));
}
