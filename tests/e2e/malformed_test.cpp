// Bad input: every malformed request gets 400 and a closed connection, nothing of it reaches
// the origin, and the proxy goes on serving the next client.
#include "e2e/support/proxy_process.hpp"

#include <doctest/doctest.h>

#include "e2e/support/curl.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/raw_connection.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

// Sends `request`, expects 400 + Connection: close + a plain-text `phiguard: ` body + close,
// then proves the proxy still serves: a valid request is the only one the origin ever sees.
void expect_rejected(const origin& o, proxy_process& proxy, const std::string& request) {
    raw_connection c(proxy.port());
    c.send(request);  // the proxy may close before reading it all; the reply is what counts
    auto const reply = c.read_response(5s);
    INFO("proxy stderr:\n" << proxy.stderr_text());
    REQUIRE_MESSAGE(reply, "no complete response; received: " << c.received());
    CHECK(reply->status == 400);
    CHECK(icontains(reply->header("Connection"), "close"));
    CHECK(reply->body.rfind("phiguard: ", 0) == 0);
    CHECK_MESSAGE(c.wait_closed(5s), "connection still open after the 400");

    auto const ok = curl(proxy.url(), {origin_url(o, "/hello")});
    INFO(ok.describe());
    CHECK(ok.status() == 200);
    auto const records = o.records();
    REQUIRE(records.size() == 1);
    CHECK(records.at(0).target == "/hello");
    CHECK(proxy.running());
}

std::string post_start(const origin& o) {
    return request_start(o, "POST", "/echo");
}

}  // namespace

TEST_CASE("malformed: a request head over 64 KiB") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(
        o, proxy,
        request_start(o, "GET", "/hello") + "X-Big: " + std::string(70 * 1024, 'a') + "\r\n\r\n");
}

TEST_CASE("malformed: more header fields than the limit") {
    origin o;
    proxy_process proxy(pinned_args(o));
    std::string fields;
    for (int i = 0; i < 150; ++i) fields += "X-Field-" + std::to_string(i) + ": v\r\n";
    expect_rejected(o, proxy, request_start(o, "GET", "/hello") + fields + "\r\n");
}

TEST_CASE("malformed: both Content-Length and Transfer-Encoding") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(
        o, proxy,
        post_start(o) + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
}

TEST_CASE("malformed: two differing Content-Length values") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(o, proxy,
                    post_start(o) + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
}

TEST_CASE("malformed: Transfer-Encoding whose last coding is not chunked") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(
        o, proxy,
        post_start(o) + "Transfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
}

TEST_CASE("malformed: Transfer-Encoding without chunked at all") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(o, proxy, post_start(o) + "Transfer-Encoding: gzip\r\n\r\nhello");
}

TEST_CASE("malformed: an HTTP/1.1 request without Host") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(o, proxy,
                    "GET " + origin_url(o, "/hello") + " HTTP/1.1\r\nAccept: */*\r\n\r\n");
}

TEST_CASE("malformed: Transfer-Encoding in an HTTP/1.0 request") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(o, proxy,
                    "POST " + origin_url(o, "/echo") +
                        " HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
}

TEST_CASE("malformed: an invalid chunk size") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(o, proxy,
                    post_start(o) + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
}

TEST_CASE("malformed: obsolete line folding") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(o, proxy,
                    request_start(o, "GET", "/hello") + "X-Folded: first\r\n  second\r\n\r\n");
}

TEST_CASE("malformed: a bare CR inside a field value") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(o, proxy, request_start(o, "GET", "/hello") + "X-Bad: a\rb\r\n\r\n");
}

TEST_CASE("malformed: a NUL inside a field value") {
    origin o;
    proxy_process proxy(pinned_args(o));
    expect_rejected(o, proxy, request_start(o, "GET", "/hello") + "X-Bad: a" + '\0' + "b\r\n\r\n");
}

TEST_CASE("malformed: absolute-form authority that disagrees with Host") {
    origin o;
    proxy_process proxy(pinned_args(o));
    auto const authority = "origin.test:" + std::to_string(o.port());
    expect_rejected(o, proxy,
                    "GET http://" + authority + "/hello HTTP/1.1\r\nHost: elsewhere.test\r\n\r\n");
}

TEST_CASE("malformed: origin-form request gets a 400 that explains forward proxying") {
    origin o;
    proxy_process proxy(pinned_args(o));
    raw_connection c(proxy.port());
    REQUIRE(
        c.send("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(proxy.port()) + "\r\n\r\n"));
    auto const reply = c.read_response(5s);
    REQUIRE_MESSAGE(reply, "received: " << c.received());
    CHECK(reply->status == 400);
    CHECK(reply->body.rfind("phiguard: ", 0) == 0);
    CHECK(icontains(reply->body, "forward proxy"));
    CHECK(o.connections() == 0);
}
