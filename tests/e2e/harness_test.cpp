// The harness checked against curl and openssl directly, without the proxy: if these fail,
// a failure elsewhere in the suite says nothing about phiguard.
#include "e2e/support/origin.hpp"

#include <doctest/doctest.h>

#include "e2e/support/byte_pattern.hpp"
#include "e2e/support/command.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/raw_connection.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

std::string direct(const origin& o, std::string_view path) {
    return "http://127.0.0.1:" + std::to_string(o.port()) + std::string(path);
}

}  // namespace

TEST_CASE("harness: origin answers curl and counts one keep-alive connection") {
    origin o;
    auto const r =
        curl("", {direct(o, "/hello"), direct(o, "/hello"), direct(o, "/status?code=204")});
    INFO(r.describe());
    REQUIRE(r.run.exit_code == 0);
    REQUIRE(r.transfers.size() == 3);
    CHECK(r.transfers[0].status == 200);
    CHECK(r.transfers[2].status == 204);
    CHECK(r.transfers[1].connects == 0);
    CHECK(o.connections() == 1);
    CHECK(o.requests() == 3);
    CHECK(o.records().at(0).target == "/hello");
}

TEST_CASE("harness: origin echo digests a chunked upload and reports its headers") {
    origin o;
    temp_dir dir;
    auto const payload = pattern_bytes(300'000);
    auto const file = dir.write("upload.bin", payload);
    auto const r = curl("", {"-H", "Transfer-Encoding: chunked", "-H", "X-Test: yes",
                             "--data-binary", "@" + file, direct(o, "/echo")});
    INFO(r.describe());
    REQUIRE(r.status() == 200);
    CHECK(r.body().find("body-length: 300000\n") != std::string::npos);
    CHECK(r.body().find("body-sha256: " + sha256_hex(payload)) != std::string::npos);
    CHECK(r.body().find("X-Test: yes\n") != std::string::npos);
    auto const rec = o.records().at(0);
    CHECK(rec.method == "POST");
    CHECK(rec.body_complete);
    CHECK(rec.body_size == 300'000);
    CHECK(icontains(rec.header("Transfer-Encoding"), "chunked"));
}

TEST_CASE("harness: origin streams /bytes with both framings and the pattern content") {
    origin o;
    auto const fixed = curl("", {direct(o, "/bytes?n=200000")});
    auto const chunked = curl("", {direct(o, "/bytes?n=200000&chunked=1")});
    INFO(fixed.describe());
    INFO(chunked.describe());
    CHECK(fixed.reply().header("Content-Length") == "200000");
    CHECK(icontains(chunked.reply().header("Transfer-Encoding"), "chunked"));
    CHECK(fixed.body() == pattern_bytes(200'000));
    CHECK(chunked.body() == pattern_bytes(200'000));
}

TEST_CASE("harness: raw keep-alive connection frames HEAD, 304 and slow responses") {
    origin o;
    raw_connection c(o.port());
    REQUIRE(c.send("HEAD /bytes?n=1000 HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto const head = c.read_response(5s, true);
    REQUIRE(head);
    CHECK(head->header("Content-Length") == "1000");
    REQUIRE(c.send("GET /status?code=304 HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto const not_modified = c.read_response(5s);
    REQUIRE(not_modified);
    CHECK(not_modified->status == 304);
    auto const start = std::chrono::steady_clock::now();
    REQUIRE(c.send("GET /slow?ms=300 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    auto const slow = c.read_response(5s);
    REQUIRE(slow);
    CHECK(slow->body == "slow done\n");
    CHECK(ms_since(start) >= 290);
    CHECK(c.wait_closed(5s));
    CHECK(o.connections() == 1);
}

TEST_CASE("harness: raw_exchange returns what arrives until the peer closes") {
    origin o;
    auto const got =
        raw_exchange(o.port(), "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5s);
    CHECK(got.rfind("HTTP/1.1 200", 0) == 0);
    CHECK(got.find(std::string(origin::hello_body)) != std::string::npos);
}

TEST_CASE("harness: HTTPS origin is verified by curl and openssl against its CA") {
    origin o(origin::transport::https);
    auto const r = curl("", {"--cacert", o.ca_file(), "--resolve",
                             "origin.test:" + std::to_string(o.port()) + ":127.0.0.1",
                             "https://origin.test:" + std::to_string(o.port()) + "/hello"});
    INFO(r.describe());
    CHECK(r.status() == 200);
    CHECK(r.body() == origin::hello_body);
    auto const s = run_command(
        {"openssl", "s_client", "-connect", "127.0.0.1:" + std::to_string(o.port()), "-CAfile",
         o.ca_file(), "-verify_return_error", "-verify_hostname", "localhost", "-brief"},
        10s);
    INFO(s.err);
    CHECK(s.err.find("Verification: OK") != std::string::npos);
    auto const untrusted = curl("", {"https://127.0.0.1:" + std::to_string(o.port()) + "/hello"});
    CHECK(untrusted.run.exit_code != 0);
}

TEST_CASE("harness: closed_port is refused") {
    auto const port = closed_port();
    CHECK(connect_refused(port));
}
