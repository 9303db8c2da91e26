#include "certs/x509_text.hpp"

#include <doctest/doctest.h>

#include "certs/openssl_ptr.hpp"

namespace certs = phiguard::certs;

TEST_CASE("certs x509_text: ISO-8601 UTC times") {
    certs::x509_ptr cert(X509_new());
    REQUIRE(ASN1_TIME_set_string(X509_getm_notBefore(cert.get()), "20260102030405Z") == 1);
    CHECK(certs::iso_time(X509_get0_notBefore(cert.get())) == "2026-01-02T03:04:05Z");
    CHECK(certs::iso_time(nullptr).empty());
}

TEST_CASE("certs x509_text: names in RFC 2253 form and colon-separated fingerprints") {
    certs::x509_ptr cert(X509_new());
    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto* cn = reinterpret_cast<const unsigned char*>("a, b");
    REQUIRE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) == 1);
    CHECK(certs::name_text(name) == "CN=a\\, b");

    certs::evp_pkey_ptr key(EVP_EC_gen("P-256"));
    REQUIRE(X509_set_pubkey(cert.get(), key.get()) == 1);
    REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
    const std::string fp = certs::sha256_fingerprint(cert.get());
    REQUIRE(fp.size() == 95);
    unsigned char md[32];
    unsigned int len = 0;
    REQUIRE(X509_digest(cert.get(), EVP_sha256(), md, &len) == 1);
    char first[3];
    std::snprintf(first, sizeof first, "%02X", md[0]);
    CHECK(fp.substr(0, 2) == first);
    CHECK(fp.find_first_not_of("0123456789ABCDEF:") == std::string::npos);
}
