#include "proxy/tls/client_context.hpp"

#include <doctest/doctest.h>

#include <string>

#include "certs/ca.hpp"
#include "unit/certs/support/test_ca.hpp"
#include "unit/proxy/tls/support/cert_files.hpp"
#include "unit/proxy/tls/support/tls_pair.hpp"

namespace certs = phiguard::certs;
namespace ssl = boost::asio::ssl;
using phiguard::proxy::tls::client_context;
using phiguard::proxy::tls::describe_verify_failure;

namespace {

/// An origin serving one fixed certificate.
struct origin {
    ssl::context ctx{ssl::context::tls_server};
    origin(X509* cert, EVP_PKEY* key) {
        REQUIRE(SSL_CTX_use_certificate(ctx.native_handle(), cert) == 1);
        REQUIRE(SSL_CTX_use_PrivateKey(ctx.native_handle(), key) == 1);
    }
};

/// Connects a client_context (trusting the test CA file) to the origin for
/// host; "" when verified, else describe_verify_failure's text.
std::string connect(origin& o, client_context& client, const std::string& host,
                    std::string* sni_seen = nullptr) {
    phiguard::test::tls_pair pair(o.ctx, client.native());
    CHECK(client_context::prepare(pair.client(), host));
    const auto [client_ec, server_ec] = pair.handshake();
    if (sni_seen != nullptr) {
        const char* sni = SSL_get_servername(pair.server(), TLSEXT_NAMETYPE_host_name);
        *sni_seen = sni != nullptr ? sni : "(none)";
    }
    if (!client_ec) return "";
    CHECK(server_ec);
    return describe_verify_failure(pair.client());
}

}  // namespace

TEST_CASE("proxy tls client_context: accepts an origin signed by an extra CA, sending SNI") {
    phiguard::test::test_ca ca;
    client_context client({certs::ca_paths(ca.dir.path()).cert});
    std::string error;
    auto leaf = ca.minter->mint("origin.example", error);
    REQUIRE(leaf);
    origin o(leaf->cert(), leaf->key());
    std::string sni;
    CHECK(connect(o, client, "origin.example", &sni) == "");
    CHECK(sni == "origin.example");
}

TEST_CASE("proxy tls client_context: IP literals are checked against the IP SAN, without SNI") {
    phiguard::test::test_ca ca;
    client_context client({certs::ca_paths(ca.dir.path()).cert});
    std::string error;
    auto leaf = ca.minter->mint("127.0.0.1", error);
    REQUIRE(leaf);
    origin o(leaf->cert(), leaf->key());
    std::string sni;
    CHECK(connect(o, client, "127.0.0.1", &sni) == "");
    CHECK(sni == "(none)");
    CHECK(connect(o, client, "127.0.0.2") == "certificate is for another host (127.0.0.1)");
}

TEST_CASE("proxy tls client_context: refuses a self-signed origin") {
    phiguard::test::test_ca ca;
    client_context client({certs::ca_paths(ca.dir.path()).cert});
    phiguard::test::self_signed self("self.example");
    origin o(self.cert.get(), self.key.get());
    CHECK(connect(o, client, "self.example") == "self-signed certificate");
}

TEST_CASE("proxy tls client_context: refuses an expired origin certificate") {
    phiguard::test::test_ca ca;
    client_context client({certs::ca_paths(ca.dir.path()).cert});
    std::string error;
    auto leaf = ca.minter->mint("old.example", error);
    REQUIRE(leaf);
    certs::x509_ptr expired = phiguard::test::expired_copy(leaf->cert(), ca.ca->key());
    origin o(expired.get(), leaf->key());
    CHECK(connect(o, client, "old.example") == "certificate has expired");
}

TEST_CASE("proxy tls client_context: refuses a certificate for another host, naming it") {
    phiguard::test::test_ca ca;
    client_context client({certs::ca_paths(ca.dir.path()).cert});
    std::string error;
    auto leaf = ca.minter->mint("other.example", error);
    REQUIRE(leaf);
    origin o(leaf->cert(), leaf->key());
    CHECK(connect(o, client, "wanted.example") ==
          "certificate is for another host (other.example)");
    // No partial wildcards, and a suffix is not a match.
    CHECK(connect(o, client, "example") == "certificate is for another host (other.example)");
}

TEST_CASE("proxy tls client_context: refuses an origin from a CA it does not trust") {
    phiguard::test::test_ca trusted, unknown;
    client_context client({certs::ca_paths(trusted.dir.path()).cert});
    std::string error;
    auto leaf = unknown.minter->mint("origin.example", error);
    REQUIRE(leaf);
    origin o(leaf->cert(), leaf->key());
    CHECK(connect(o, client, "origin.example") == "unknown certificate authority");
}

TEST_CASE("proxy tls client_context: a host OpenSSL cannot check fails closed") {
    phiguard::test::test_ca ca;
    client_context client({certs::ca_paths(ca.dir.path()).cert});
    std::string error;
    auto leaf = ca.minter->mint("origin.example", error);
    REQUIRE(leaf);
    origin o(leaf->cert(), leaf->key());
    phiguard::test::tls_pair pair(o.ctx, client.native());
    CHECK_FALSE(client_context::prepare(pair.client(), ""));
    const auto [client_ec, server_ec] = pair.handshake();
    CHECK(client_ec);
    CHECK(describe_verify_failure(pair.client()).starts_with("certificate is for another host"));
}

TEST_CASE("proxy tls client_context: a missing or empty extra CA file is refused by name") {
    phiguard::test::temp_dir tmp;
    const auto missing = tmp.path() / "missing.pem";
    CHECK_THROWS_WITH_AS(client_context({missing}),
                         doctest::Contains((missing.string() + " not found").c_str()),
                         std::runtime_error);
    const auto junk = tmp.path() / "junk.pem";
    std::FILE* f = std::fopen(junk.c_str(), "w");
    REQUIRE(f != nullptr);
    std::fputs("junk\n", f);
    std::fclose(f);
    CHECK_THROWS_WITH_AS(client_context({junk}),
                         doctest::Contains((junk.string() + " holds no PEM").c_str()),
                         std::runtime_error);
    CHECK_NOTHROW(client_context({}));
}

TEST_CASE("proxy tls client_context: a second connection to an origin resumes its session") {
    phiguard::test::test_ca ca;
    client_context client({certs::ca_paths(ca.dir.path()).cert});
    std::string error;
    auto leaf = ca.minter->mint("resume.example", error);
    REQUIRE(leaf);
    origin o(leaf->cert(), leaf->key());
    // TLS 1.2 hands the session over at the end of the handshake (1.3 sends
    // tickets afterwards, with the first application data).
    SSL_CTX_set_max_proto_version(o.ctx.native_handle(), TLS1_2_VERSION);
    for (int i = 0; i < 2; ++i) {
        phiguard::test::tls_pair pair(o.ctx, client.native());
        REQUIRE(client_context::prepare(pair.client(), "resume.example"));
        const auto [client_ec, server_ec] = pair.handshake();
        REQUIRE_FALSE(client_ec);
        CHECK(SSL_session_reused(pair.client()) == i);
        CHECK(SSL_get_verify_result(pair.client()) == X509_V_OK);
        // OpenSSL marks a session unresumable when its connection ends
        // without close_notify.
        SSL_shutdown(pair.client());
    }
    CHECK(client.sessions().size() == 1);
    // Another host never gets that session.
    phiguard::test::tls_pair pair(o.ctx, client.native());
    client_context::prepare(pair.client(), "other.example");
    pair.handshake();
    CHECK(SSL_session_reused(pair.client()) == 0);
}
