#include "proxy/tls/server_context.hpp"

#include <spdlog/spdlog.h>

#include <cstring>
#include <stdexcept>

#include "proxy/tls/ssl_notes.hpp"

namespace phiguard::proxy::tls {
namespace {

// Mozilla "intermediate" TLS 1.2 suites (forward secret AEAD only); TLS 1.3
// keeps OpenSSL's defaults, which are all fine.
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

/// Picks "http/1.1" if offered; otherwise no ALPN at all, so a client that
/// offered only h2 falls back to HTTP/1.1 instead of failing.
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void*) {
    static constexpr unsigned char http11[] = {'h', 't', 't', 'p', '/', '1', '.', '1'};
    unsigned int i = 0;
    while (i < inlen) {
        const unsigned int len = in[i];
        if (i + 1 + len > inlen) break;
        if (len == sizeof http11 && std::memcmp(in + i + 1, http11, len) == 0) {
            *out = in + i + 1;
            *outlen = static_cast<unsigned char>(len);
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + len;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

void require(int ok, const char* what) {
    if (ok != 1) throw std::runtime_error(std::string("TLS server context: cannot ") + what);
}

}  // namespace

server_context::server_context(std::shared_ptr<certs::leaf_cache> leaves)
    : leaves_(std::move(leaves)), ctx_(boost::asio::ssl::context::tls_server) {
    if (!leaves_) throw std::invalid_argument("server_context needs a leaf cache");
    SSL_CTX* ctx = ctx_.native_handle();
    require(SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION), "set TLS 1.2 minimum");
    require(SSL_CTX_set_cipher_list(ctx, tls12_ciphers), "set the cipher list");
    SSL_CTX_set_options(
        ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    // Resumption (tickets) skips the certificate, so a fixed context id is enough.
    static constexpr unsigned char sid_ctx[] = "phiguard";
    require(SSL_CTX_set_session_id_context(ctx, sid_ctx, sizeof sid_ctx - 1),
            "set the session id context");
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);
    SSL_CTX_set_cert_cb(ctx, &server_context::on_certificate, this);
}

void server_context::set_fallback_host(SSL* ssl, std::string host) {
    if (ssl_notes* notes = notes_of(ssl, true)) notes->fallback_host = std::move(host);
}

std::string server_context::failure(SSL* ssl) {
    const ssl_notes* notes = notes_of(ssl, false);
    return notes != nullptr ? notes->failure : std::string();
}

int server_context::on_certificate(SSL* ssl, void* arg) {
    // A C callback: nothing may escape it, not even bad_alloc.
    try {
        auto* self = static_cast<server_context*>(arg);
        ssl_notes* notes = notes_of(ssl, false);
        std::string host;
        if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) host = sni;
        if (host.empty() && notes != nullptr) host = notes->fallback_host;
        std::string error;
        std::shared_ptr<const certs::leaf> leaf;
        if (host.empty())
            error = "client sent no SNI and no fallback host was set";
        else {
            auto before = self->leaves_->counters().mints;
            leaf = self->leaves_->get(host, error);
            // Minting is the expensive path: say so, with the running counts,
            // so operators (and tests) can see the cache doing its job.
            auto after = self->leaves_->counters();
            if (leaf && after.mints != before)
                spdlog::info("minted certificate for {} (cache: {} mints, {} hits)", host,
                             after.mints, after.hits);
        }
        if (leaf && SSL_use_certificate(ssl, leaf->cert()) == 1 &&
            SSL_use_PrivateKey(ssl, leaf->key()) == 1)
            return 1;
        if (leaf) error = "OpenSSL refused the leaf certificate for " + host;
        if (notes == nullptr) notes = notes_of(ssl, true);
        if (notes != nullptr) notes->failure = error;
    } catch (...) {
    }
    return 0;
}

}  // namespace phiguard::proxy::tls
