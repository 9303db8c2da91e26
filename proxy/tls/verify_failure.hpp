#pragma once

#include <string>

#include <openssl/ssl.h>

namespace phiguard::proxy::tls {

/// Short text naming why an origin's certificate was refused, for the 502
/// page and the log: "certificate has expired", "self-signed certificate",
/// "certificate is for another host", "unknown certificate authority", …
std::string describe_verify_failure(long verify_result);

/// The same for a finished (failed) handshake; a host mismatch also lists the
/// names the certificate is for: "certificate is for another host (a.example)".
std::string describe_verify_failure(const SSL* ssl);

/// The DNS and IP names a certificate is for ("a.example, 192.0.2.1"; the
/// CN when it has no SAN), at most five.
std::string certificate_names(X509* cert);

}  // namespace phiguard::proxy::tls
