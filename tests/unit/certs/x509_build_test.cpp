#include "certs/x509_build.hpp"

#include <doctest/doctest.h>

namespace certs = phiguard::certs;

TEST_CASE("certs x509_build: serials are positive, large and distinct") {
    certs::asn1_integer_ptr a = certs::random_serial();
    certs::asn1_integer_ptr b = certs::random_serial();
    REQUIRE(a);
    REQUIRE(b);
    CHECK(ASN1_INTEGER_cmp(a.get(), b.get()) != 0);
    certs::bignum_ptr bn(ASN1_INTEGER_to_BN(a.get(), nullptr));
    CHECK(BN_is_negative(bn.get()) == 0);
    CHECK(BN_is_zero(bn.get()) == 0);
    CHECK(BN_num_bits(bn.get()) <= 128);
}

TEST_CASE("certs x509_build: extensions in config syntax, bad syntax refused") {
    certs::x509_ptr cert(X509_new());
    CHECK(certs::add_extension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
    CHECK(X509_get_ext_count(cert.get()) == 1);
    CHECK_FALSE(certs::add_extension(cert.get(), cert.get(), NID_key_usage, "noSuchUsage"));
    CHECK(X509_get_ext_count(cert.get()) == 1);
}

TEST_CASE("certs x509_build: validity window in days around now") {
    certs::x509_ptr cert(X509_new());
    REQUIRE(certs::set_validity(cert.get(), -1, 30));
    int days = 0, secs = 0;
    REQUIRE(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())) == 1);
    CHECK(days == 31);
    CHECK(secs == 0);
}
