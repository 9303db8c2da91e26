#include "certs/host_name.hpp"

#include <doctest/doctest.h>

namespace certs = phiguard::certs;

namespace {

std::string canon(std::string_view host) {
    std::string error;
    auto name = certs::parse_host_name(host, error);
    return name ? name->text + (name->is_ip ? " ip" : " dns") : "error: " + error;
}

}  // namespace

TEST_CASE("certs host_name: canonical forms") {
    CHECK(canon("Example.COM") == "example.com dns");
    CHECK(canon("example.com.") == "example.com dns");
    CHECK(canon("_dmarc.my-host.example") == "_dmarc.my-host.example dns");
    CHECK(canon("localhost") == "localhost dns");
    CHECK(canon("192.0.2.10") == "192.0.2.10 ip");
    CHECK(canon("[::1]") == "::1 ip");
    CHECK(canon("2001:DB8:0:0::1") == "2001:db8::1 ip");
    CHECK(canon(std::string(63, 'a') + ".b") == std::string(63, 'a') + ".b dns");
}

TEST_CASE("certs host_name: refusals say why") {
    CHECK(canon("") == "error: empty host name");
    CHECK(canon(".") == "error: empty host name");
    CHECK(canon(std::string(254, 'a')).starts_with("error: host name longer than 253"));
    CHECK(canon("a..b").starts_with("error: host name has an empty label"));
    CHECK(canon(std::string(64, 'a') + ".b").starts_with("error: host name has an empty label"));
    CHECK(canon("ex ample").starts_with("error: host name has characters"));
    CHECK(canon("*.example").starts_with("error: host name has characters"));
    CHECK(canon("1.2.3.4:443").starts_with("error: host name has characters"));
    CHECK(canon("[1.2.3.4").starts_with("error: host name has characters"));
    CHECK(canon("caf\xc3\xa9.example").starts_with("error: host name has characters"));
}
