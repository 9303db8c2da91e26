#pragma once

#include <string>

#include <openssl/ssl.h>

namespace phiguard::proxy::tls {

/// Per-connection notes kept on the SSL object (ex_data) by the proxy and the
/// certificate callback; freed with the SSL.
struct ssl_notes {
    std::string fallback_host;  ///< mint for this when the client sends no SNI
    std::string failure;        ///< why the certificate callback failed
    std::string peer_names;     ///< names on an origin certificate refused for its host
    std::string session_key;    ///< origin host whose session cache this connection feeds
};

/// The notes of ssl, created on first use; nullptr only if OpenSSL fails.
ssl_notes* notes_of(SSL* ssl, bool create);

}  // namespace phiguard::proxy::tls
