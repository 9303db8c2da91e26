#include "certs/authority.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <openssl/pem.h>

#include "certs/ca.hpp"
#include "certs/error.hpp"
#include "unit/certs/support/temp_dir.hpp"

namespace certs = phiguard::certs;

TEST_CASE("certs authority: loads a fresh CA and describes it") {
    phiguard::test::temp_dir tmp;
    certs::ca_options options;
    options.common_name = "unit CA";
    certs::create_ca(tmp.path(), options);
    auto ca = certs::authority::load(tmp.path());
    REQUIRE(ca);
    CHECK(X509_check_private_key(ca->cert(), ca->key()) == 1);
    const certs::ca_info info = ca->info();
    CHECK(info.subject == "O=phiguard,CN=unit CA");
    CHECK(info.key == "ECDSA P-256");
    CHECK(info.sha256_fingerprint.size() == 32 * 3 - 1);
    CHECK(info.sha256_fingerprint[2] == ':');
    CHECK(info.not_before.size() == 20);
    CHECK(info.not_before.ends_with("Z"));
    CHECK(info.not_before < info.not_after);
}

TEST_CASE("certs authority: refuses a key readable by group or others, naming the fix") {
    phiguard::test::temp_dir tmp;
    const certs::ca_files files = certs::create_ca(tmp.path(), {});
    REQUIRE(::chmod(files.key.c_str(), 0644) == 0);
    const std::string expected = files.key.string() +
                                 " is readable by group or others (mode 0644); run: chmod 600 " +
                                 files.key.string();
    CHECK_THROWS_WITH_AS(certs::authority::load(tmp.path()), doctest::Contains(expected.c_str()),
                         certs::error);
    REQUIRE(::chmod(files.key.c_str(), 0620) == 0);
    CHECK_THROWS_WITH_AS(certs::authority::load(tmp.path()),
                         doctest::Contains("by group or others (mode 0620)"), certs::error);
    REQUIRE(::chmod(files.key.c_str(), 0600) == 0);
    CHECK(certs::authority::load(tmp.path()));
}

TEST_CASE("certs authority: refuses missing files with the command that creates them") {
    phiguard::test::temp_dir tmp;
    CHECK_THROWS_WITH_AS(certs::authority::load(tmp.path()),
                         doctest::Contains("not found; create a CA with: phiguard ca init"),
                         certs::error);
    const certs::ca_files files = certs::create_ca(tmp.path(), {});
    std::filesystem::remove(files.cert);
    CHECK_THROWS_WITH_AS(certs::authority::load(tmp.path()),
                         doctest::Contains((files.cert.string() + " not found").c_str()),
                         certs::error);
}

TEST_CASE("certs authority: refuses a key that does not match the certificate") {
    phiguard::test::temp_dir a, b;
    const certs::ca_files fa = certs::create_ca(a.path(), {});
    const certs::ca_files fb = certs::create_ca(b.path(), {});
    std::filesystem::copy_file(fb.key, fa.key, std::filesystem::copy_options::overwrite_existing);
    CHECK_THROWS_WITH_AS(certs::authority::load(a.path()), doctest::Contains("does not match"),
                         certs::error);
}

TEST_CASE("certs authority: refuses an expired or not yet valid CA") {
    phiguard::test::temp_dir expired, future;
    certs::ca_options options;
    options.validity_days = 10;
    options.start_offset_days = -100;
    certs::create_ca(expired.path(), options);
    CHECK_THROWS_WITH_AS(certs::authority::load(expired.path()), doctest::Contains("expired on"),
                         certs::error);
    options.start_offset_days = 30;
    certs::create_ca(future.path(), options);
    CHECK_THROWS_WITH_AS(certs::authority::load(future.path()),
                         doctest::Contains("is not valid before"), certs::error);
}

TEST_CASE("certs authority: refuses a certificate that is not a CA") {
    phiguard::test::temp_dir tmp;
    const certs::ca_files files = certs::create_ca(tmp.path(), {});
    auto ca = certs::authority::load(tmp.path());
    // Re-sign the same key into a certificate with CA:FALSE.
    certs::x509_ptr plain(X509_dup(ca->cert()));
    const int bc = X509_get_ext_by_NID(plain.get(), NID_basic_constraints, -1);
    REQUIRE(bc >= 0);
    X509_EXTENSION_free(X509_delete_ext(plain.get(), bc));
    REQUIRE(X509_sign(plain.get(), ca->key(), EVP_sha256()) > 0);
    certs::bio_ptr out(BIO_new_file(files.cert.c_str(), "w"));
    REQUIRE(PEM_write_bio_X509(out.get(), plain.get()) == 1);
    out.reset();
    CHECK_THROWS_WITH_AS(certs::authority::load(tmp.path()),
                         doctest::Contains("is not a CA certificate"), certs::error);
}

TEST_CASE("certs authority: refuses a file that is not PEM") {
    phiguard::test::temp_dir tmp;
    const certs::ca_files files = certs::create_ca(tmp.path(), {});
    certs::bio_ptr out(BIO_new_file(files.cert.c_str(), "w"));
    BIO_puts(out.get(), "not a certificate\n");
    out.reset();
    CHECK_THROWS_WITH_AS(certs::authority::load(tmp.path()),
                         doctest::Contains("is not a PEM certificate"), certs::error);
}
