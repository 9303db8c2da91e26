#include "certs/leaf_key.hpp"

#include <doctest/doctest.h>

#include "certs/key.hpp"

namespace certs = phiguard::certs;

TEST_CASE("certs leaf_key: a P-256 key that a certificate shares instead of copying") {
    certs::evp_pkey_ptr key = certs::generate_leaf_key();
    REQUIRE(key);
    CHECK(EVP_PKEY_is_a(key.get(), "EC") == 1);
    CHECK(certs::describe_key(key.get()) == "ECDSA P-256");
    certs::x509_ptr cert(X509_new());
    REQUIRE(X509_set_pubkey(cert.get(), key.get()) == 1);
    CHECK(X509_get0_pubkey(cert.get()) == key.get());  // the fast path keeps the same object
    CHECK(X509_check_private_key(cert.get(), key.get()) == 1);
    certs::evp_pkey_ptr other = certs::generate_leaf_key();
    CHECK(EVP_PKEY_eq(key.get(), other.get()) != 1);
}
