#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "proxy/tls/session_cache.hpp"
#include "proxy/tls/verify_failure.hpp"

namespace phiguard::proxy::tls {

/// The one TLS context towards origins: verifies every peer against the
/// system trust store plus extra CA files (--upstream-ca), TLS 1.2 minimum,
/// with client-side session resumption per origin host.
class client_context {
public:
    /// Throws std::runtime_error naming the file when an extra CA file is
    /// missing or holds no usable certificate.
    explicit client_context(std::vector<std::filesystem::path> extra_cas);

    client_context(const client_context&) = delete;
    client_context& operator=(const client_context&) = delete;

    boost::asio::ssl::context& native() { return ctx_; }
    /// Sessions kept for resumption, by origin host.
    const session_cache& sessions() const { return *sessions_; }

    /// Before the handshake on each SSL made from native(): sends SNI (not for
    /// IP literals) and makes verification check host against the
    /// certificate (DNS name, or IP SAN for an IP literal; [v6] allowed).
    /// For a host OpenSSL cannot check, returns false and makes the handshake
    /// fail ("certificate is for another host") rather than skip the check.
    /// Offers the session last saved for host, if any, for resumption.
    static bool prepare(SSL* ssl, const std::string& host);

private:
    static int on_new_session(SSL* ssl, SSL_SESSION* session);

    boost::asio::ssl::context ctx_;
    std::unique_ptr<session_cache> sessions_;
};

}  // namespace phiguard::proxy::tls
