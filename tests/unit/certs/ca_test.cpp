#include "certs/ca.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>
#include <string>

#include <openssl/pem.h>

#include "certs/error.hpp"
#include "certs/openssl_ptr.hpp"
#include "unit/certs/support/temp_dir.hpp"

namespace certs = phiguard::certs;

namespace {

unsigned mode_of(const std::filesystem::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

certs::x509_ptr read_cert(const std::filesystem::path& p) {
    certs::bio_ptr bio(BIO_new_file(p.c_str(), "r"));
    REQUIRE(bio);
    return certs::x509_ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

}  // namespace

TEST_CASE("certs ca: paths are the fixed names inside the directory") {
    const certs::ca_files files = certs::ca_paths("/var/lib/phiguard/ca");
    CHECK(files.cert == "/var/lib/phiguard/ca/phiguard-ca.pem");
    CHECK(files.key == "/var/lib/phiguard/ca/phiguard-ca.key");
}

TEST_CASE("certs ca: create writes a private key 0600 in a 0700 directory") {
    phiguard::test::temp_dir tmp;
    const auto dir = tmp.path() / "nested" / "ca";
    const certs::ca_files files = certs::create_ca(dir, {});
    CHECK(mode_of(dir) == 0700);
    CHECK(mode_of(files.key) == 0600);
    CHECK(mode_of(files.cert) == 0644);
    CHECK(slurp(files.key).starts_with("-----BEGIN PRIVATE KEY-----"));  // PKCS#8
    CHECK(slurp(files.cert).starts_with("-----BEGIN CERTIFICATE-----"));
}

TEST_CASE("certs ca: the certificate is a v3 CA for leaves only, without name constraints") {
    phiguard::test::temp_dir tmp;
    certs::ca_options options;
    options.validity_days = 100;
    options.common_name = "test CA";
    const certs::ca_files files = certs::create_ca(tmp.path(), options);
    certs::x509_ptr cert = read_cert(files.cert);
    REQUIRE(cert);
    CHECK(X509_get_version(cert.get()) == X509_VERSION_3);
    CHECK(X509_check_ca(cert.get()) == 1);
    CHECK(X509_get_pathlen(cert.get()) == 0);
    CHECK((X509_get_key_usage(cert.get()) & (KU_KEY_CERT_SIGN | KU_CRL_SIGN)) ==
          (KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    CHECK((X509_get_key_usage(cert.get()) & KU_DIGITAL_SIGNATURE) == 0);
    const int bc = X509_get_ext_by_NID(cert.get(), NID_basic_constraints, -1);
    REQUIRE(bc >= 0);
    CHECK(X509_EXTENSION_get_critical(X509_get_ext(cert.get(), bc)) == 1);
    const int ku = X509_get_ext_by_NID(cert.get(), NID_key_usage, -1);
    REQUIRE(ku >= 0);
    CHECK(X509_EXTENSION_get_critical(X509_get_ext(cert.get(), ku)) == 1);
    CHECK(X509_get0_subject_key_id(cert.get()) != nullptr);
    CHECK(X509_get_ext_by_NID(cert.get(), NID_name_constraints, -1) < 0);
    CHECK(X509_check_issued(cert.get(), cert.get()) == X509_V_OK);

    // Validity: back-dated one day, ends validity_days from now.
    int days = 0, secs = 0;
    REQUIRE(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert.get()),
                           X509_get0_notAfter(cert.get())) == 1);
    CHECK(days == 101);
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
    certs::bignum_ptr bn(ASN1_INTEGER_to_BN(serial, nullptr));
    CHECK(BN_num_bits(bn.get()) > 64);
    CHECK(BN_is_negative(bn.get()) == 0);
}

TEST_CASE("certs ca: rsa-3072 creates an RSA key of 3072 bits") {
    phiguard::test::temp_dir tmp;
    certs::ca_options options;
    options.key = certs::key_kind::rsa_3072;
    certs::x509_ptr cert = read_cert(certs::create_ca(tmp.path(), options).cert);
    REQUIRE(cert);
    EVP_PKEY* pub = X509_get0_pubkey(cert.get());
    CHECK(EVP_PKEY_is_a(pub, "RSA") == 1);
    CHECK(EVP_PKEY_get_bits(pub) == 3072);
}

TEST_CASE("certs ca: refuses to overwrite an existing certificate or key") {
    phiguard::test::temp_dir tmp;
    const certs::ca_files files = certs::create_ca(tmp.path(), {});
    const std::string cert_before = slurp(files.cert);
    const std::string key_before = slurp(files.key);
    CHECK_THROWS_WITH_AS(certs::create_ca(tmp.path(), {}),
                         doctest::Contains("refusing to overwrite"), certs::error);
    CHECK(slurp(files.cert) == cert_before);
    CHECK(slurp(files.key) == key_before);

    // A key left alone (certificate deleted) is protected as well.
    std::filesystem::remove(files.cert);
    CHECK_THROWS_WITH_AS(certs::create_ca(tmp.path(), {}), doctest::Contains(files.key.c_str()),
                         certs::error);
    CHECK(slurp(files.key) == key_before);
    CHECK_FALSE(std::filesystem::exists(files.cert));
}

TEST_CASE("certs ca: a validity below one day is refused") {
    phiguard::test::temp_dir tmp;
    certs::ca_options options;
    options.validity_days = 0;
    CHECK_THROWS_AS(certs::create_ca(tmp.path(), options), certs::error);
    CHECK_FALSE(std::filesystem::exists(certs::ca_paths(tmp.path()).key));
}
