// CONNECT: an opaque byte tunnel to the allowed ports, verified end to end by curl and openssl
// against the HTTPS origin's own CA; other ports are refused.
#include "e2e/support/proxy_process.hpp"

#include <doctest/doctest.h>

#include "e2e/support/command.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/raw_connection.hpp"

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
