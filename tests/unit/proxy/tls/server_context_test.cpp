#include "proxy/tls/server_context.hpp"

#include <doctest/doctest.h>

#include <string>

#include <openssl/x509v3.h>

#include "certs/ca.hpp"
#include "certs/leaf_cache.hpp"
#include "unit/certs/support/test_ca.hpp"
#include "unit/proxy/tls/support/tls_pair.hpp"

namespace certs = phiguard::certs;
namespace ssl = boost::asio::ssl;
using phiguard::proxy::tls::server_context;

namespace {

/// A client that trusts only the test CA, TLS 1.2+ like a browser.
struct strict_client {
    ssl::context ctx{ssl::context::tls_client};
    explicit strict_client(const phiguard::test::test_ca& ca) {
        ctx.set_verify_mode(ssl::verify_peer);
        X509_STORE_add_cert(SSL_CTX_get_cert_store(ctx.native_handle()), ca.ca->cert());
    }
};

struct fixture {
    phiguard::test::test_ca ca;
    std::shared_ptr<certs::leaf_cache> cache = std::make_shared<certs::leaf_cache>(ca.minter, 100);
    server_context server{cache};
    strict_client client{ca};
};

void expect_host(SSL* client, const std::string& host) {
    SSL_set_tlsext_host_name(client, host.c_str());
    SSL_set1_host(client, host.c_str());
}

std::string alpn_selected(SSL* ssl) {
    const unsigned char* data = nullptr;
    unsigned int len = 0;
    SSL_get0_alpn_selected(ssl, &data, &len);
    return std::string(reinterpret_cast<const char*>(data), len);
}

}  // namespace

TEST_CASE("proxy tls server_context: the client sees a leaf for its SNI signed by the CA") {
    fixture f;
    phiguard::test::tls_pair pair(f.server.native(), f.client.ctx);
    expect_host(pair.client(), "portal.example.org");
    const auto [client_ec, server_ec] = pair.handshake();
    REQUIRE_MESSAGE(!client_ec, client_ec.message());
    REQUIRE_MESSAGE(!server_ec, server_ec.message());
    CHECK(SSL_get_verify_result(pair.client()) == X509_V_OK);
    X509* peer = SSL_get0_peer_certificate(pair.client());
    REQUIRE(peer != nullptr);
    CHECK(X509_check_host(peer, "portal.example.org", 0, 0, nullptr) == 1);
    CHECK(X509_check_issued(f.ca.ca->cert(), peer) == X509_V_OK);
    CHECK(SSL_version(pair.client()) == TLS1_3_VERSION);
    CHECK(alpn_selected(pair.client()).empty());
    CHECK(f.cache->counters().mints == 1);
}

TEST_CASE("proxy tls server_context: a second connection to the same host mints nothing") {
    fixture f;
    for (int i = 0; i < 2; ++i) {
        phiguard::test::tls_pair pair(f.server.native(), f.client.ctx);
        expect_host(pair.client(), "again.example");
        const auto [client_ec, server_ec] = pair.handshake();
        CHECK_FALSE(client_ec);
        CHECK_FALSE(server_ec);
    }
    CHECK(f.cache->counters().mints == 1);
    CHECK(f.cache->counters().hits == 1);
}

TEST_CASE("proxy tls server_context: without SNI the fallback host names the leaf") {
    fixture f;
    phiguard::test::tls_pair pair(f.server.native(), f.client.ctx);
    server_context::set_fallback_host(pair.server(), "192.0.2.7");
    X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(pair.client()), "192.0.2.7");
    const auto [client_ec, server_ec] = pair.handshake();
    REQUIRE_MESSAGE(!client_ec, client_ec.message());
    CHECK_FALSE(server_ec);
    CHECK(SSL_get_servername(pair.server(), TLSEXT_NAMETYPE_host_name) == nullptr);
    X509* peer = SSL_get0_peer_certificate(pair.client());
    REQUIRE(peer != nullptr);
    CHECK(X509_check_ip_asc(peer, "192.0.2.7", 0) == 1);
}

TEST_CASE("proxy tls server_context: without SNI or fallback the handshake fails with a reason") {
    fixture f;
    phiguard::test::tls_pair pair(f.server.native(), f.client.ctx);
    const auto [client_ec, server_ec] = pair.handshake();
    CHECK(client_ec);
    CHECK(server_ec);
    CHECK(server_context::failure(pair.server()).find("no SNI") != std::string::npos);
    CHECK(f.cache->counters().mints == 0);
}

TEST_CASE("proxy tls server_context: an invalid SNI fails the handshake, not the process") {
    fixture f;
    phiguard::test::tls_pair pair(f.server.native(), f.client.ctx);
    SSL_set_tlsext_host_name(pair.client(), "bad_host!");
    const auto [client_ec, server_ec] = pair.handshake();
    CHECK(client_ec);
    CHECK(server_ec);
    CHECK(server_context::failure(pair.server()).find("characters") != std::string::npos);
}

TEST_CASE("proxy tls server_context: ALPN picks http/1.1, and nothing for an h2-only client") {
    fixture f;
    {
        phiguard::test::tls_pair pair(f.server.native(), f.client.ctx);
        expect_host(pair.client(), "alpn.example");
        static constexpr unsigned char both[] = "\x02h2\x08http/1.1";
        REQUIRE(SSL_set_alpn_protos(pair.client(), both, sizeof both - 1) == 0);
        const auto [client_ec, server_ec] = pair.handshake();
        REQUIRE_FALSE(client_ec);
        CHECK(alpn_selected(pair.client()) == "http/1.1");
    }
    {
        phiguard::test::tls_pair pair(f.server.native(), f.client.ctx);
        expect_host(pair.client(), "alpn.example");
        static constexpr unsigned char h2[] = "\x02h2";
        REQUIRE(SSL_set_alpn_protos(pair.client(), h2, sizeof h2 - 1) == 0);
        const auto [client_ec, server_ec] = pair.handshake();
        REQUIRE_FALSE(client_ec);
        CHECK_FALSE(server_ec);
        CHECK(alpn_selected(pair.client()).empty());
    }
}

TEST_CASE("proxy tls server_context: TLS 1.2 works with a modern suite, TLS 1.1 is refused") {
    fixture f;
    {
        phiguard::test::tls_pair pair(f.server.native(), f.client.ctx);
        expect_host(pair.client(), "old.example");
        SSL_set_max_proto_version(pair.client(), TLS1_2_VERSION);
        const auto [client_ec, server_ec] = pair.handshake();
        REQUIRE_FALSE(client_ec);
        CHECK(SSL_version(pair.client()) == TLS1_2_VERSION);
        CHECK(std::string(SSL_get_cipher_name(pair.client())) == "ECDHE-ECDSA-AES128-GCM-SHA256");
    }
    {
        phiguard::test::tls_pair pair(f.server.native(), f.client.ctx);
        expect_host(pair.client(), "older.example");
        SSL_set_security_level(pair.client(), 0);
        SSL_set_min_proto_version(pair.client(), TLS1_VERSION);
        SSL_set_max_proto_version(pair.client(), TLS1_1_VERSION);
        const auto [client_ec, server_ec] = pair.handshake();
        CHECK(client_ec);
        CHECK(server_ec);
    }
}
