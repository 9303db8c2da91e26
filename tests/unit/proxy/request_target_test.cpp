#include "proxy/request_target.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace phiguard::proxy;

namespace {

request_target absolute(std::string_view text) {
    std::string reason;
    auto t = parse_absolute_target(text, reason);
    REQUIRE_MESSAGE(t.has_value(), "refused: ", reason);
    CHECK(reason.empty());
    return *t;
}

// The reason an absolute-looking target is refused ("" if none was given).
std::string refusal(std::string_view text) {
    std::string reason;
    auto t = parse_absolute_target(text, reason);
    CHECK_FALSE(t.has_value());
    return reason;
}

}  // namespace

TEST_CASE("request_target: absolute-form http with default and explicit ports") {
    auto t = absolute("http://Example.COM/Path/To?q=1&r=2");
    CHECK(t.scheme == "http");
    CHECK(t.host == "example.com");
    CHECK(t.port == 80);
    CHECK(t.path == "/Path/To?q=1&r=2");
    CHECK(t.path_only() == "/Path/To");
    CHECK(t.host_header() == "example.com");

    auto p = absolute("HTTP://example.com:8080/x");
    CHECK(p.scheme == "http");
    CHECK(p.port == 8080);
    CHECK(p.host_header() == "example.com:8080");
}

TEST_CASE("request_target: empty path becomes / and a bare query gets one") {
    CHECK(absolute("http://example.com").path == "/");
    CHECK(absolute("http://example.com:81").path == "/");
    CHECK(absolute("http://example.com:/").port == 80);  // RFC 3986: empty port is the default
    auto q = absolute("http://example.com?a=b");
    CHECK(q.path == "/?a=b");
    CHECK(q.path_only() == "/");
}

TEST_CASE("request_target: IPv6 literals keep brackets only in authorities") {
    auto t = absolute("http://[2001:DB8::1]:8080/x");
    CHECK(t.host == "2001:db8::1");
    CHECK(t.port == 8080);
    CHECK(t.authority_host() == "[2001:db8::1]");
    CHECK(t.host_header() == "[2001:db8::1]:8080");
    CHECK(absolute("http://[::1]/").host_header() == "[::1]");
    CHECK(absolute("http://[::ffff:192.0.2.1]/").host == "::ffff:192.0.2.1");
    CHECK(absolute("http://192.0.2.1/").authority_host() == "192.0.2.1");
}

TEST_CASE("request_target: malformed brackets and hosts are refused") {
    for (auto bad :
         {"http://[::1/", "http://[]/", "http://[1.2.3.4]/", "http://[:::]/",
          "http://[fe80::1%25eth0]/", "http://[::1]x/", "http://::1/", "http://exa mple.com/",
          "http://exa%2emple.com/", "http:///path", "http://:80/", "http://example.com:0/",
          "http://example.com:65536/", "http://example.com:-1/", "http://example.com:8o/",
          "http://example.com#frag"}) {
        CAPTURE(bad);
        CHECK(refusal(bad) == "malformed host in request target");
    }
}

TEST_CASE("request_target: credentials in the authority are refused") {
    CHECK(refusal("http://user:pass@example.com/") ==
          "credentials in the request target are refused");
    CHECK(refusal("http://evil.example@example.com/") ==
          "credentials in the request target are refused");
    // An @ in the path is just a path character.
    CHECK(absolute("http://example.com/u@x").host == "example.com");
}

TEST_CASE("request_target: non-http schemes are sent to CONNECT") {
    CHECK(refusal("https://example.com/") ==
          "only http:// targets can be proxied directly; use CONNECT for https");
    CHECK(refusal("FTP://example.com/") ==
          "only http:// targets can be proxied directly; use CONNECT for ftp");
    CHECK(refusal("ws://example.com/") ==
          "only http:// targets can be proxied directly; use CONNECT for ws");
}

TEST_CASE("request_target: origin-form and non-URLs are not absolute-form") {
    // No reason: the caller's own message stands.
    CHECK(refusal("/index.html") == "");
    CHECK(refusal("/r?u=https://example.com/") == "");
    CHECK(refusal("x?u=https://example.com/") == "");
    CHECK(refusal("*") == "");
    CHECK(refusal("example.com:443") == "");
    CHECK(refusal("://example.com/") == "");
}

TEST_CASE("request_target: authority-form for CONNECT needs a port") {
    auto t = parse_authority_target("Example.com:443");
    REQUIRE(t);
    CHECK(t->scheme == "");
    CHECK(t->host == "example.com");
    CHECK(t->port == 443);
    CHECK(t->host_header() == "example.com:443");

    auto v6 = parse_authority_target("[2001:db8::2]:8443");
    REQUIRE(v6);
    CHECK(v6->host == "2001:db8::2");
    CHECK(v6->port == 8443);

    CHECK_FALSE(parse_authority_target("example.com"));
    CHECK_FALSE(parse_authority_target("example.com:"));
    CHECK_FALSE(parse_authority_target("[2001:db8::2]"));
    CHECK_FALSE(parse_authority_target("example.com:0"));
    CHECK_FALSE(parse_authority_target("example.com:99999"));
    CHECK_FALSE(parse_authority_target("user@example.com:443"));
    CHECK_FALSE(parse_authority_target("http://example.com:443"));
    CHECK_FALSE(parse_authority_target(""));
}

TEST_CASE("request_target: host_matches applies default ports and ignores case") {
    auto t = absolute("http://example.com/");
    CHECK(host_matches(t, "example.com"));
    CHECK(host_matches(t, "EXAMPLE.com"));
    CHECK(host_matches(t, "example.com:80"));
    CHECK(host_matches(t, "example.com:"));
    CHECK_FALSE(host_matches(t, "example.com:8080"));
    CHECK_FALSE(host_matches(t, "example.org"));
    CHECK_FALSE(host_matches(t, "example.com.evil"));
    CHECK_FALSE(host_matches(t, "user@example.com"));
    CHECK_FALSE(host_matches(t, ""));

    auto p = absolute("http://example.com:8080/");
    CHECK(host_matches(p, "example.com:8080"));
    CHECK_FALSE(host_matches(p, "example.com"));
}

TEST_CASE("request_target: host_matches for IPv6 and intercepted https") {
    auto v6 = absolute("http://[2001:db8::1]/");
    CHECK(host_matches(v6, "[2001:DB8::1]"));
    CHECK(host_matches(v6, "[2001:db8::1]:80"));
    CHECK_FALSE(host_matches(v6, "2001:db8::1"));

    // Inside a bumped tunnel the target is the CONNECT destination, as https.
    auto tunnel = parse_authority_target("example.com:443");
    REQUIRE(tunnel);
    tunnel->scheme = "https";
    CHECK(host_matches(*tunnel, "example.com"));
    CHECK(host_matches(*tunnel, "example.com:443"));
    CHECK_FALSE(host_matches(*tunnel, "example.com:80"));
    CHECK(tunnel->host_header() == "example.com");
}
