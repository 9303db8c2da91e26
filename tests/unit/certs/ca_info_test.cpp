#include "certs/ca_info.hpp"

#include <doctest/doctest.h>

#include "certs/authority.hpp"
#include "certs/ca.hpp"
#include "certs/error.hpp"
#include "unit/certs/support/temp_dir.hpp"

namespace certs = phiguard::certs;

TEST_CASE("certs ca_info: reads and describes a CA certificate without its key") {
    phiguard::test::temp_dir tmp;
    certs::ca_options options;
    options.key = certs::key_kind::rsa_3072;
    const certs::ca_files files = certs::create_ca(tmp.path(), options);
    certs::x509_ptr cert = certs::read_ca_cert(files.cert, tmp.path());
    REQUIRE(cert);
    const certs::ca_info info = certs::describe_ca(cert.get());
    CHECK(info.subject == "O=phiguard,CN=phiguard local CA");
    CHECK(info.key == "RSA 3072");
    CHECK(info.not_after > info.not_before);
    CHECK(info.sha256_fingerprint == certs::authority::load(tmp.path())->info().sha256_fingerprint);
}

TEST_CASE("certs ca_info: a missing certificate names the command that creates one") {
    phiguard::test::temp_dir tmp;
    const auto file = tmp.path() / "phiguard-ca.pem";
    CHECK_THROWS_WITH_AS(certs::read_ca_cert(file, tmp.path()),
                         doctest::Contains("not found; create a CA with: phiguard ca init --dir"),
                         certs::error);
}
