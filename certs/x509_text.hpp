#pragma once

#include <string>

#include <openssl/x509.h>

namespace phiguard::certs {

/// "CN=phiguard local CA,O=phiguard" (RFC 2253 order).
std::string name_text(const X509_NAME* name);

/// SHA-256 of the DER certificate as "AA:BB:…", as browsers show it.
std::string sha256_fingerprint(const X509* cert);

/// "2026-11-24T05:30:50Z"; "" when the time cannot be read.
std::string iso_time(const ASN1_TIME* time);

}  // namespace phiguard::certs
