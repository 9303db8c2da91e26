#include "proxy/cmd_ca.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <sstream>

#include "certs/ca.hpp"
#include "unit/certs/support/temp_dir.hpp"

namespace certs = phiguard::certs;
using phiguard::proxy::cmd_ca_init;
using phiguard::proxy::cmd_ca_show;

TEST_CASE("proxy cmd_ca: init prints where the CA is and how to trust it, show describes it") {
    phiguard::test::temp_dir tmp;
    const auto dir = tmp.path() / "ca";
    std::ostringstream out, err;
    REQUIRE(cmd_ca_init(dir, certs::key_kind::ecdsa_p256, 365, out, err) == 0);
    CHECK(err.str().empty());
    const std::string text = out.str();
    CHECK(text.find("certificate: " + (dir / "phiguard-ca.pem").string()) != std::string::npos);
    CHECK(text.find("private key: " + (dir / "phiguard-ca.key").string()) != std::string::npos);
    CHECK(text.find("update-ca-certificates") != std::string::npos);
    CHECK(text.find("ECDSA P-256") != std::string::npos);

    std::ostringstream shown, show_err;
    REQUIRE(cmd_ca_show(dir, shown, show_err) == 0);
    CHECK(shown.str().find("subject:     O=phiguard,CN=phiguard local CA") != std::string::npos);
    CHECK(shown.str().find("sha256:      ") != std::string::npos);
    CHECK(shown.str().find("not after:   ") != std::string::npos);
    CHECK(shown.str().find("status:      ok") != std::string::npos);
}

TEST_CASE("proxy cmd_ca: init refuses to overwrite, exit code 1 and the reason on stderr") {
    phiguard::test::temp_dir tmp;
    std::ostringstream out, err;
    REQUIRE(cmd_ca_init(tmp.path(), certs::key_kind::ecdsa_p256, 365, out, err) == 0);
    std::ostringstream out2, err2;
    CHECK(cmd_ca_init(tmp.path(), certs::key_kind::rsa_3072, 365, out2, err2) == 1);
    CHECK(out2.str().empty());
    CHECK(err2.str().find("phiguard ca init: ") == 0);
    CHECK(err2.str().find("refusing to overwrite") != std::string::npos);
}

TEST_CASE("proxy cmd_ca: show prints the certificate but fails on a key others can read") {
    phiguard::test::temp_dir tmp;
    std::ostringstream out, err;
    REQUIRE(cmd_ca_init(tmp.path(), certs::key_kind::ecdsa_p256, 365, out, err) == 0);
    REQUIRE(::chmod(certs::ca_paths(tmp.path()).key.c_str(), 0644) == 0);
    std::ostringstream shown, show_err;
    CHECK(cmd_ca_show(tmp.path(), shown, show_err) == 1);
    CHECK(shown.str().find("sha256:") != std::string::npos);
    CHECK(show_err.str().find("chmod 600") != std::string::npos);

    phiguard::test::temp_dir empty;
    std::ostringstream none, none_err;
    CHECK(cmd_ca_show(empty.path(), none, none_err) == 1);
    CHECK(none_err.str().find("phiguard ca init --dir") != std::string::npos);
}
