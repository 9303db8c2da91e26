#pragma once

#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "certs/leaf_cache.hpp"

namespace phiguard::proxy::tls {

/// The one TLS context that faces intercepted clients. Built once; the leaf
/// certificate is picked per connection from the SNI (or the fallback host)
/// in a certificate callback, from the shared leaf cache. TLS 1.2 and 1.3,
/// modern ciphers, ALPN "http/1.1" only so HTTP/2 clients fall back.
class server_context {
public:
    /// Throws std::runtime_error when OpenSSL refuses the settings.
    explicit server_context(std::shared_ptr<certs::leaf_cache> leaves);

    server_context(const server_context&) = delete;
    server_context& operator=(const server_context&) = delete;

    boost::asio::ssl::context& native() { return ctx_; }
    certs::leaf_cache& leaves() { return *leaves_; }

    /// The name to mint for when the client sends no SNI (the CONNECT host).
    /// Call before the handshake on each SSL made from native().
    static void set_fallback_host(SSL* ssl, std::string host);

    /// Why the certificate callback refused the handshake ("" if it did not),
    /// for the proxy's log line.
    static std::string failure(SSL* ssl);

private:
    static int on_certificate(SSL* ssl, void* self);

    std::shared_ptr<certs::leaf_cache> leaves_;
    boost::asio::ssl::context ctx_;
};

}  // namespace phiguard::proxy::tls
