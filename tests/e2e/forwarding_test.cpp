// Plain HTTP through the proxy with curl: methods, bodies, header rewriting, keep-alive and the
// upstream pool.
#include "e2e/support/proxy_process.hpp"

#include <doctest/doctest.h>

#include "e2e/support/byte_pattern.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/http_reply.hpp"
#include "e2e/support/origin.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

TEST_CASE("forwarding: GET reaches the origin in origin-form and returns its body") {
    origin o;
    proxy_process proxy(pinned_args(o));
    auto const r = curl(proxy.url(), {origin_url(o, "/hello")});
    INFO(r.describe());
    INFO(proxy.stderr_text());
    CHECK(r.status() == 200);
    CHECK(r.body() == origin::hello_body);
    REQUIRE(o.requests() == 1);
    auto const rec = o.records().at(0);
    CHECK(rec.method == "GET");
    CHECK(rec.target == "/hello");
    CHECK(rec.header("Host") == "origin.test:" + std::to_string(o.port()));
}

TEST_CASE("forwarding: POST body arrives whole with a Content-Length") {
    origin o;
    proxy_process proxy(pinned_args(o));
    temp_dir dir;
    auto const payload = pattern_bytes(700'001);
    auto const file = dir.write("body.bin", payload);
    auto const r =
        curl(proxy.url(), {"--data-binary", "@" + file, "-H", "Expect:", origin_url(o, "/echo")});
    INFO(r.describe());
    CHECK(r.status() == 200);
    CHECK(r.body().find("body-length: 700001\n") != std::string::npos);
    CHECK(r.body().find("body-sha256: " + sha256_hex(payload) + "\n") != std::string::npos);
    REQUIRE(o.requests() == 1);
    CHECK(o.records().at(0).method == "POST");
    CHECK(o.records().at(0).body_size == 700'001);
}

TEST_CASE("forwarding: HEAD returns the GET's Content-Length and no body") {
    origin o;
    proxy_process proxy(pinned_args(o));
    // -o /dev/null: with -I curl prints the head as output too, interleaved with -D -.
    auto const r = curl(proxy.url(), {"-I", "-o", "/dev/null", origin_url(o, "/bytes?n=5000")});
    INFO(r.describe());
    CHECK(r.run.exit_code == 0);
    CHECK(r.status() == 200);
    CHECK(r.reply().header("Content-Length") == "5000");
    CHECK(r.transfers.at(0).size_download == 0);
    REQUIRE(o.requests() == 1);
    CHECK(o.records().at(0).method == "HEAD");
}

TEST_CASE("forwarding: other methods (PUT, DELETE, OPTIONS, PATCH) are forwarded as sent") {
    origin o;
    proxy_process proxy(pinned_args(o));
    for (std::string method : {"PUT", "DELETE", "OPTIONS", "PATCH"}) {
        CAPTURE(method);
        auto const r = curl(proxy.url(), {"-X", method, "--data-binary", "x=1", "-H",
                                          "Expect:", origin_url(o, "/echo")});
        INFO(r.describe());
        CHECK(r.status() == 200);
        CHECK(r.body().find("body-length: 3\n") != std::string::npos);
        REQUIRE(!o.records().empty());
        CHECK(o.records().back().method == method);
    }
}

TEST_CASE("forwarding: hop-by-hop request fields are removed, Via added, no X-Forwarded-For") {
    origin o;
    proxy_process proxy(pinned_args(o));
    auto const r =
        curl(proxy.url(),
             {"-H", "Connection: keep-alive, X-Drop-Me", "-H", "X-Drop-Me: 1", "-H",
              "Keep-Alive: timeout=5", "-H", "TE: trailers", "-H", "Trailer: X-Checksum", "-H",
              "Upgrade: websocket", "-H", "Proxy-Authorization: Basic dXNlcjpzZWNyZXQ=", "-H",
              "Proxy-Connection: keep-alive", "-H", "X-Keep-Me: yes", origin_url(o, "/echo")});
    INFO(r.describe());
    REQUIRE(r.status() == 200);
    REQUIRE(o.requests() == 1);
    auto const rec = o.records().at(0);
    for (auto const* name : {"X-Drop-Me", "Keep-Alive", "TE", "Trailer", "Upgrade",
                             "Proxy-Authorization", "Proxy-Connection", "X-Forwarded-For"}) {
        CAPTURE(name);
        CHECK_FALSE(rec.has_header(name));
    }
    CHECK_FALSE(icontains(rec.header("Connection"), "X-Drop-Me"));
    CHECK(rec.header("X-Keep-Me") == "yes");
    CHECK(icontains(rec.header("Via"), "1.1 phiguard"));
    // The echo body is what the origin received, seen from the client's side.
    CHECK(r.body().find("X-Keep-Me: yes\n") != std::string::npos);
    CHECK(r.body().find("Proxy-Authorization") == std::string::npos);
}

TEST_CASE("forwarding: hop-by-hop response fields are removed, end-to-end ones kept") {
    origin o;
    proxy_process proxy(pinned_args(o));
    auto const r = curl(proxy.url(), {origin_url(o, "/hop")});
    INFO(r.describe());
    REQUIRE(r.status() == 200);
    auto const reply = r.reply();
    CHECK(reply.header("X-Origin-Kept") == "kept");
    CHECK_FALSE(reply.has_header("X-Origin-Hop"));
    CHECK_FALSE(reply.has_header("Keep-Alive"));
    CHECK_FALSE(reply.has_header("Proxy-Connection"));
    CHECK_FALSE(icontains(reply.header("Connection"), "X-Origin-Hop"));
    CHECK(r.body() == "hop\n");
}

TEST_CASE("forwarding: several URLs on one client connection reach the origin on one connection") {
    origin o;
    proxy_process proxy(pinned_args(o));
    auto const r =
        curl(proxy.url(), {origin_url(o, "/hello"), origin_url(o, "/bytes?n=100000"),
                           origin_url(o, "/status?code=204"),
                           origin_url(o, "/bytes?n=70000&chunked=1"), origin_url(o, "/hello")});
    INFO(r.describe());
    REQUIRE(r.transfers.size() == 5);
    for (std::size_t i = 0; i < r.transfers.size(); ++i) {
        CAPTURE(i);
        CHECK(r.transfers[i].status == (i == 2 ? 204 : 200));
        if (i > 0) CHECK(r.transfers[i].connects == 0);  // curl kept its proxy connection
    }
    CHECK(r.transfers[1].size_download == 100'000);
    CHECK(r.transfers[3].size_download == 70'000);
    CHECK(o.requests() == 5);
    CHECK(o.connections() == 1);
}

TEST_CASE("forwarding: the upstream pool serves consecutive clients over one origin connection") {
    origin o;
    // One worker: pools are per worker thread, so with more threads clients may land on
    // different pools.
    proxy_process proxy(pinned_args(o, {"--threads", "1"}));
    for (int i = 0; i < 3; ++i) {
        auto const r = curl(proxy.url(), {origin_url(o, "/hello")});
        INFO(r.describe());
        REQUIRE(r.status() == 200);
    }
    CHECK(o.requests() == 3);
    CHECK(o.connections() == 1);
}
