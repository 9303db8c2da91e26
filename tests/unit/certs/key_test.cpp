#include "certs/key.hpp"

#include <doctest/doctest.h>

namespace certs = phiguard::certs;

TEST_CASE("certs key: the CLI spellings parse, others do not") {
    CHECK(certs::parse_key_kind("ecdsa-p256") == certs::key_kind::ecdsa_p256);
    CHECK(certs::parse_key_kind("rsa-3072") == certs::key_kind::rsa_3072);
    CHECK_FALSE(certs::parse_key_kind("rsa-2048").has_value());
    CHECK_FALSE(certs::parse_key_kind("").has_value());
}

TEST_CASE("certs key: generated keys are what their description says") {
    certs::evp_pkey_ptr ec = certs::generate_key(certs::key_kind::ecdsa_p256);
    REQUIRE(ec);
    CHECK(certs::describe_key(ec.get()) == "ECDSA P-256");
    certs::evp_pkey_ptr rsa = certs::generate_key(certs::key_kind::rsa_3072);
    REQUIRE(rsa);
    CHECK(certs::describe_key(rsa.get()) == "RSA 3072");
    CHECK(certs::describe_key(nullptr) == "none");
}
