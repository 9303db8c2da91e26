#include "certs/leaf_minter.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <openssl/x509v3.h>

#include "certs/error.hpp"
#include "unit/certs/support/test_ca.hpp"
#include "unit/certs/support/verify.hpp"

namespace certs = phiguard::certs;

namespace {

/// Every SAN of cert as "DNS:x" / "IP:x".
std::vector<std::string> sans(X509* cert) {
    std::vector<std::string> out;
    certs::general_names_ptr names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type == GEN_DNS) {
            const ASN1_STRING* s = name->d.dNSName;
            out.push_back("DNS:" +
                          std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                                      static_cast<std::size_t>(ASN1_STRING_length(s))));
        } else if (name->type == GEN_IPADD) {
            out.push_back("IP:" + std::to_string(ASN1_STRING_length(name->d.iPAddress)) + "bytes");
        }
    }
    return out;
}

std::string common_name(X509* cert) {
    char buf[256] = {};
    const int n =
        X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
    return n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

}  // namespace

TEST_CASE("certs leaf_minter: a leaf for a DNS name verifies against the CA for that host") {
    phiguard::test::test_ca ca;
    std::string error;
    auto leaf = ca.minter->mint("WWW.Example.COM", error);
    REQUIRE_MESSAGE(leaf, error);
    CHECK(leaf->host == "www.example.com");
    CHECK(phiguard::test::verify_against(leaf->cert(), ca.ca->cert()) == X509_V_OK);
    CHECK(X509_check_host(leaf->cert(), "www.example.com", 0, 0, nullptr) == 1);
    CHECK(X509_check_host(leaf->cert(), "other.example.com", 0, 0, nullptr) == 0);
    CHECK(sans(leaf->cert()) == std::vector<std::string>{"DNS:www.example.com"});
    CHECK(common_name(leaf->cert()) == "www.example.com");
    CHECK(X509_check_private_key(leaf->cert(), leaf->key()) == 1);
}

TEST_CASE("certs leaf_minter: leaf extensions are those of a TLS server certificate") {
    phiguard::test::test_ca ca;
    std::string error;
    auto leaf = ca.minter->mint("example.org", error);
    REQUIRE(leaf);
    X509* cert = leaf->cert();
    CHECK(X509_get_version(cert) == X509_VERSION_3);
    CHECK(X509_check_ca(cert) == 0);
    CHECK(X509_get_extended_key_usage(cert) == XKU_SSL_SERVER);
    CHECK((X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE) != 0);
    CHECK((X509_get_key_usage(cert) & KU_KEY_CERT_SIGN) == 0);
    CHECK(X509_check_purpose(cert, X509_PURPOSE_SSL_SERVER, 0) == 1);
    CHECK(X509_get0_subject_key_id(cert) == nullptr);
    // AKI names the CA's SKI, so clients find the issuer among several CAs.
    const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert);
    REQUIRE(aki != nullptr);
    CHECK(ASN1_OCTET_STRING_cmp(aki, X509_get0_subject_key_id(ca.ca->cert())) == 0);
    CHECK(X509_get_signature_nid(cert) == NID_ecdsa_with_SHA256);

    certs::bignum_ptr serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr));
    CHECK(BN_is_negative(serial.get()) == 0);
    CHECK(BN_num_bits(serial.get()) > 64);
    CHECK(BN_num_bits(serial.get()) <= 128);

    // Back-dated one day, valid the default 30 days from now.
    int days = 0, secs = 0;
    REQUIRE(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert), nullptr) == 1);
    CHECK(days * 86400 + secs >= 86400 - 60);
    CHECK(days * 86400 + secs <= 86400 + 60);
    REQUIRE(ASN1_TIME_diff(&days, &secs, nullptr, X509_get0_notAfter(cert)) == 1);
    CHECK(days * 86400 + secs <= 30 * 86400);
    CHECK(days * 86400 + secs >= 30 * 86400 - 60);
}

TEST_CASE("certs leaf_minter: every leaf shares one key but gets its own serial") {
    phiguard::test::test_ca ca;
    std::string error;
    auto a = ca.minter->mint("a.example", error);
    auto b = ca.minter->mint("b.example", error);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(a->key() == b->key());
    CHECK(EVP_PKEY_is_a(a->key(), "EC") == 1);
    CHECK(ASN1_INTEGER_cmp(X509_get0_serialNumber(a->cert()), X509_get0_serialNumber(b->cert())) !=
          0);
    CHECK(EVP_PKEY_eq(a->key(), ca.ca->key()) != 1);  // unlike mitmproxy: not the CA's key
}

TEST_CASE("certs leaf_minter: IP literals get an IP SAN that verifies") {
    phiguard::test::test_ca ca;
    std::string error;
    auto v4 = ca.minter->mint("127.0.0.1", error);
    REQUIRE(v4);
    CHECK(sans(v4->cert()) == std::vector<std::string>{"IP:4bytes"});
    CHECK(X509_check_ip_asc(v4->cert(), "127.0.0.1", 0) == 1);
    CHECK(X509_check_ip_asc(v4->cert(), "127.0.0.2", 0) == 0);
    CHECK(phiguard::test::verify_against(v4->cert(), ca.ca->cert()) == X509_V_OK);

    auto v6 = ca.minter->mint("[2001:DB8::1]", error);
    REQUIRE(v6);
    CHECK(v6->host == "2001:db8::1");
    CHECK(sans(v6->cert()) == std::vector<std::string>{"IP:16bytes"});
    CHECK(X509_check_ip_asc(v6->cert(), "2001:db8:0:0::1", 0) == 1);
}

TEST_CASE("certs leaf_minter: a name too long for a CN goes in a critical SAN only") {
    phiguard::test::test_ca ca;
    const std::string host = std::string(60, 'a') + "." + std::string(20, 'b') + ".example";
    std::string error;
    auto leaf = ca.minter->mint(host, error);
    REQUIRE_MESSAGE(leaf, error);
    CHECK(common_name(leaf->cert()).empty());
    const int san = X509_get_ext_by_NID(leaf->cert(), NID_subject_alt_name, -1);
    REQUIRE(san >= 0);
    CHECK(X509_EXTENSION_get_critical(X509_get_ext(leaf->cert(), san)) == 1);
    CHECK(X509_check_host(leaf->cert(), host.c_str(), host.size(), 0, nullptr) == 1);
    CHECK(phiguard::test::verify_against(leaf->cert(), ca.ca->cert()) == X509_V_OK);
}

TEST_CASE("certs leaf_minter: invalid names are refused with a reason, never thrown") {
    phiguard::test::test_ca ca;
    for (const std::string& bad :
         {std::string(), std::string("bad host"), std::string("a..b"), std::string("*.example"),
          std::string("x/y"), std::string(254, 'a'), std::string(64, 'a') + ".example",
          std::string("ex\0ample", 8), std::string("DNS:evil,DNS:other")}) {
        std::string error;
        CHECK_MESSAGE(ca.minter->mint(bad, error) == nullptr, bad);
        CHECK_FALSE(error.empty());
    }
}

TEST_CASE("certs leaf_minter: an RSA-3072 CA signs leaves with SHA-256") {
    phiguard::test::test_ca ca(certs::key_kind::rsa_3072);
    std::string error;
    auto leaf = ca.minter->mint("rsa.example", error);
    REQUIRE(leaf);
    CHECK(X509_get_signature_nid(leaf->cert()) == NID_sha256WithRSAEncryption);
    CHECK(phiguard::test::verify_against(leaf->cert(), ca.ca->cert()) == X509_V_OK);
}

TEST_CASE("certs leaf_minter: refuses a null CA or a validity browsers reject") {
    phiguard::test::test_ca ca;
    CHECK_THROWS_AS(certs::leaf_minter(nullptr), certs::error);
    CHECK_THROWS_AS(certs::leaf_minter(ca.ca, 0), certs::error);
    CHECK_THROWS_AS(certs::leaf_minter(ca.ca, 398), certs::error);
    CHECK_NOTHROW(certs::leaf_minter(ca.ca, 397));
}
