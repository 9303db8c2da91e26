#include "proxy/upstream_rules.hpp"

#include <doctest/doctest.h>

#include <string>

using phiguard::policy::parse_ip;
using phiguard::policy::upstream_settings;
using phiguard::proxy::route_plan;
using phiguard::proxy::upstream_rules;

namespace {

std::array<std::uint8_t, 16> ip(std::string_view text) {
    auto a = parse_ip(text);
    REQUIRE_MESSAGE(a.has_value(), text);
    return *a;
}

upstream_rules rules_with(std::vector<std::string> connect_to, std::vector<std::string> resolve,
                          std::vector<std::string> allow = {}) {
    upstream_settings s;
    s.connect_to = std::move(connect_to);
    s.resolve = std::move(resolve);
    s.allow = std::move(allow);
    return upstream_rules(s);
}

}  // namespace

TEST_CASE("upstream_rules: no rules route to the request's own host and port") {
    auto rules = rules_with({}, {});
    auto p = rules.plan("Example.COM", 8080);
    CHECK(p.host == "example.com");
    CHECK(p.port == 8080);
    CHECK_FALSE(p.address);
    CHECK_FALSE(p.pinned);
}

TEST_CASE("upstream_rules: --connect-to rewrites host and port, curl style") {
    auto rules = rules_with({"example.com:443:backend.internal:8443"}, {});
    auto p = rules.plan("example.com", 443);
    CHECK(p.host == "backend.internal");
    CHECK(p.port == 8443);
    CHECK(p.pinned);
    CHECK_FALSE(p.address);

    // The port must match too.
    auto other = rules.plan("example.com", 80);
    CHECK(other.host == "example.com");
    CHECK(other.port == 80);
    CHECK_FALSE(other.pinned);

    // Names match regardless of case, as curl's do.
    CHECK(rules.plan("EXAMPLE.com", 443).host == "backend.internal");
    CHECK_FALSE(rules.plan("www.example.com", 443).pinned);
}

TEST_CASE("upstream_rules: empty --connect-to fields are wildcards or keep the original") {
    SUBCASE("any host on one port") {
        auto rules = rules_with({":443:mirror.test:"}, {});
        auto p = rules.plan("anything.example", 443);
        CHECK(p.host == "mirror.test");
        CHECK(p.port == 443);
        CHECK(p.pinned);
        CHECK_FALSE(rules.plan("anything.example", 444).pinned);
    }
    SUBCASE("one host on any port, port kept") {
        auto rules = rules_with({"example.com::other.test:"}, {});
        auto p = rules.plan("example.com", 9000);
        CHECK(p.host == "other.test");
        CHECK(p.port == 9000);
    }
    SUBCASE("only the port changes") {
        auto rules = rules_with({"example.com:80::8080"}, {});
        auto p = rules.plan("example.com", 80);
        CHECK(p.host == "example.com");
        CHECK(p.port == 8080);
        CHECK(p.pinned);
    }
    SUBCASE("everything") {
        auto rules = rules_with({":::1234"}, {});
        auto p = rules.plan("x.example", 443);
        CHECK(p.host == "x.example");
        CHECK(p.port == 1234);
    }
    SUBCASE("IPv6 in brackets") {
        auto rules = rules_with({"[2001:db8::1]:443:[::1]:8443"}, {});
        auto p = rules.plan("2001:db8::1", 443);
        CHECK(p.host == "::1");
        CHECK(p.port == 8443);
    }
}

TEST_CASE("upstream_rules: the first matching --connect-to wins") {
    auto rules = rules_with(
        {"example.com:443:first.test:1", ":443:second.test:2", "example.com:443:third.test:3"}, {});
    auto p = rules.plan("example.com", 443);
    CHECK(p.host == "first.test");
    CHECK(p.port == 1);
    auto q = rules.plan("other.example", 443);
    CHECK(q.host == "second.test");
    CHECK(q.port == 2);
}

TEST_CASE("upstream_rules: --resolve pins the name after --connect-to") {
    auto rules = rules_with({"example.com:443:backend.test:8443"},
                            {"backend.test:8443:192.0.2.10", "example.com:443:192.0.2.99",
                             "v6.test:443:[2001:db8::5]"});
    auto p = rules.plan("example.com", 443);
    CHECK(p.host == "backend.test");
    CHECK(p.port == 8443);
    REQUIRE(p.address);
    CHECK(*p.address == "192.0.2.10");
    CHECK(p.pinned);

    auto v6 = rules.plan("V6.test", 443);
    REQUIRE(v6.address);
    CHECK(*v6.address == "2001:db8::5");

    // Name and port must both match.
    auto miss = rules.plan("v6.test", 80);
    CHECK_FALSE(miss.address);
    CHECK_FALSE(miss.pinned);
}

TEST_CASE("upstream_rules: --resolve '*' pins every name on that port") {
    auto rules = rules_with({}, {"*:443:192.0.2.7", "exact.test:443:192.0.2.8"});
    auto p = rules.plan("exact.test", 443);
    REQUIRE(p.address);
    CHECK(*p.address == "192.0.2.7");  // first listed wins, as in curl's list order
    auto q = rules.plan("whatever.test", 443);
    REQUIRE(q.address);
    CHECK(*q.address == "192.0.2.7");
    CHECK_FALSE(rules.plan("whatever.test", 80).address);
}

TEST_CASE("upstream_rules: unparsable rules are skipped, not applied") {
    auto rules = rules_with({"too:few", "a:b:c:d"}, {"example.com:443:not-an-ip"});
    auto p = rules.plan("too", 443);
    CHECK(p.host == "too");
    CHECK_FALSE(p.pinned);
    CHECK_FALSE(rules.plan("example.com", 443).address);
}

TEST_CASE("upstream_rules: the SSRF guard refuses internal IPv4 ranges") {
    for (auto text :
         {"127.0.0.1", "127.255.255.254", "10.0.0.1", "10.255.255.255", "172.16.0.1",
          "172.31.255.255", "192.168.1.1", "169.254.169.254", "169.254.0.1", "100.64.0.1",
          "100.127.255.255", "0.0.0.0", "0.1.2.3", "224.0.0.1", "239.255.255.250", "240.0.0.1",
          "255.255.255.255", "192.0.0.170", "198.18.0.1"}) {
        CAPTURE(text);
        CHECK(upstream_rules::restricted(ip(text)));
    }
}

TEST_CASE("upstream_rules: the SSRF guard refuses internal IPv6 ranges") {
    for (auto text :
         {"::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "febf::1", "fec0::1", "ff02::1",
          "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.1.2.3", "::127.0.0.1",
          "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe", "64:ff9b::192.168.0.1"}) {
        CAPTURE(text);
        CHECK(upstream_rules::restricted(ip(text)));
    }
}

TEST_CASE("upstream_rules: public addresses pass the SSRF guard") {
    for (auto text : {"8.8.8.8", "1.1.1.1", "93.184.216.34", "172.15.255.255", "172.32.0.1",
                      "100.63.255.255", "100.128.0.1", "169.253.255.255", "192.169.0.1", "11.0.0.1",
                      "223.255.255.255", "2606:4700:4700::1111", "2001:4860:4860::8888", "fbff::1",
                      "fe7f::1", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "64:ff9b::5db8:d822"}) {
        CAPTURE(text);
        CHECK_FALSE(upstream_rules::restricted(ip(text)));
        CHECK(rules_with({}, {}).permitted(ip(text), false));
    }
}

TEST_CASE("upstream_rules: --allow-upstream exempts only its own networks") {
    auto rules = rules_with({}, {}, {"10.1.0.0/16", "fd00:1::/32"});
    CHECK(rules.permitted(ip("10.1.2.3"), false));
    CHECK(rules.permitted(ip("::ffff:10.1.2.3"), false));
    CHECK(rules.permitted(ip("fd00:1::7"), false));
    CHECK_FALSE(rules.permitted(ip("10.2.0.1"), false));
    CHECK_FALSE(rules.permitted(ip("127.0.0.1"), false));
    CHECK_FALSE(rules.permitted(ip("169.254.169.254"), false));
    CHECK_FALSE(rules.permitted(ip("fd00:2::7"), false));

    auto none = rules_with({}, {});
    CHECK_FALSE(none.permitted(ip("10.1.2.3"), false));
    CHECK_FALSE(none.permitted(ip("::1"), false));
}

TEST_CASE("upstream_rules: an operator-pinned route bypasses the guard") {
    auto rules = rules_with({}, {"local.test:8080:127.0.0.1"});
    auto p = rules.plan("local.test", 8080);
    REQUIRE(p.pinned);
    REQUIRE(p.address);
    CHECK(rules.permitted(*parse_ip(*p.address), p.pinned));
    CHECK_FALSE(rules.permitted(*parse_ip(*p.address), false));
}
