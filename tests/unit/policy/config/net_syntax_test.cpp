#include "policy/config/net_syntax.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy;

namespace {

std::array<std::uint8_t, 16> ip(std::string_view text) {
    auto a = parse_ip(text);
    REQUIRE_MESSAGE(a.has_value(), text);
    return *a;
}

}  // namespace

TEST_CASE("config: IPv4 addresses are kept mapped into IPv6") {
    auto a = ip("192.0.2.1");
    std::array<std::uint8_t, 16> want{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 192, 0, 2, 1};
    CHECK(a == want);
    CHECK(ip("::ffff:192.0.2.1") == want);
    CHECK(ip("[::ffff:c000:201]") == want);
    auto v6 = ip("[2001:db8::1]");
    CHECK(v6[0] == 0x20);
    CHECK(v6[1] == 0x01);
    CHECK(v6[15] == 1);
    for (auto bad : {"", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.4/8", "::g",
                     "example.com", "[1.2.3.4", " 1.2.3.4"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_ip(bad));
    }
}

TEST_CASE("config: CIDRs contain what they should") {
    auto ten = parse_cidr("10.0.0.0/8");
    REQUIRE(ten);
    CHECK(ten->prefix == 104);
    CHECK(ten->contains(ip("10.0.0.0")));
    CHECK(ten->contains(ip("10.255.255.255")));
    CHECK(ten->contains(ip("::ffff:10.1.2.3")));
    CHECK_FALSE(ten->contains(ip("11.0.0.0")));
    CHECK_FALSE(ten->contains(ip("9.255.255.255")));

    auto odd = parse_cidr("172.16.0.0/12");
    REQUIRE(odd);
    CHECK(odd->contains(ip("172.31.255.255")));
    CHECK_FALSE(odd->contains(ip("172.32.0.0")));
    CHECK_FALSE(odd->contains(ip("172.15.255.255")));

    auto host = parse_cidr("192.0.2.7");
    REQUIRE(host);
    CHECK(host->prefix == 128);
    CHECK(host->contains(ip("192.0.2.7")));
    CHECK_FALSE(host->contains(ip("192.0.2.6")));

    auto ula = parse_cidr("fc00::/7");
    REQUIRE(ula);
    CHECK(ula->contains(ip("fd12::1")));
    CHECK_FALSE(ula->contains(ip("fe00::1")));

    // IPv4 /0 is all of IPv4, not all of IPv6; ::/0 is everything.
    auto all4 = parse_cidr("0.0.0.0/0");
    REQUIRE(all4);
    CHECK(all4->contains(ip("203.0.113.9")));
    CHECK_FALSE(all4->contains(ip("2001:db8::1")));
    auto all = parse_cidr("::/0");
    REQUIRE(all);
    CHECK(all->contains(ip("2001:db8::1")));
    CHECK(all->contains(ip("203.0.113.9")));
}

TEST_CASE("config: CIDRs with host bits set or bad prefixes are refused") {
    for (auto bad : {"10.0.0.1/8", "192.168.1.1/24", "172.16.0.0/11", "fd00::1/8", "2001:db8::/16",
                     "10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8x",
                     "10.0.0.0/+8", "10.0.0/8", "/8", "", "example.com/8"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_cidr(bad));
    }
    CHECK(parse_cidr("10.0.0.1/32"));
    CHECK(parse_cidr("2001:db8::/32"));
    CHECK(parse_cidr("fd00::1/128"));
}

TEST_CASE("config: --resolve syntax") {
    auto pin = parse_resolve_pin("Example.com:443:192.0.2.1");
    REQUIRE(pin);
    CHECK(pin->host == "example.com");
    CHECK(pin->port == 443);
    CHECK(pin->address == "192.0.2.1");

    auto v6 = parse_resolve_pin("v6.test:8443:[2001:db8::1]");
    REQUIRE(v6);
    CHECK(v6->address == "2001:db8::1");

    auto any = parse_resolve_pin("*:443:192.0.2.2");
    REQUIRE(any);
    CHECK(any->host == "*");

    for (auto bad :
         {"example.com:443", "example.com:443:192.0.2.1:extra", ":443:192.0.2.1",
          "example.com::192.0.2.1", "example.com:0:192.0.2.1", "example.com:65536:192.0.2.1",
          "example.com:443:not-an-ip", "example.com:443:2001:db8::1", "exa mple.com:443:192.0.2.1",
          "example.com:443:"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_resolve_pin(bad));
    }
}

TEST_CASE("config: --connect-to syntax with empty fields") {
    auto full = parse_connect_to_pin("Example.com:443:Backend.test:8443");
    REQUIRE(full);
    CHECK(full->from_host == "example.com");
    CHECK(full->from_port == 443);
    CHECK(full->to_host == "backend.test");
    CHECK(full->to_port == 8443);

    auto empty = parse_connect_to_pin(":::");
    REQUIRE(empty);
    CHECK(empty->from_host.empty());
    CHECK(empty->from_port == 0);
    CHECK(empty->to_host.empty());
    CHECK(empty->to_port == 0);

    auto v6 = parse_connect_to_pin("[2001:db8::1]:80:[::1]:8080");
    REQUIRE(v6);
    CHECK(v6->from_host == "2001:db8::1");
    CHECK(v6->to_host == "::1");
    CHECK(v6->to_port == 8080);

    for (auto bad : {"a:1:b", "a:1:b:2:c", "a:x:b:2", "a:1:b:0", "a:0:b:2", "a:1:b:70000",
                     "a b:1:c:2", "a:1:c/d:2", ""}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_connect_to_pin(bad));
    }
}

TEST_CASE("config: listener host:port syntax") {
    auto v4 = parse_host_port("127.0.0.1:3128");
    REQUIRE(v4);
    CHECK(v4->host == "127.0.0.1");
    CHECK(v4->port == 3128);

    auto v6 = parse_host_port("[::1]:8080");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == 8080);

    auto ephemeral = parse_host_port("localhost:0");
    REQUIRE(ephemeral);
    CHECK(ephemeral->port == 0);

    for (auto bad : {"3128", "127.0.0.1", "127.0.0.1:", ":3128", "127.0.0.1:65536",
                     "127.0.0.1:http", "bad host:80", ""}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_host_port(bad));
    }
}
