#pragma once

#include <string>

#include "certs/openssl_ptr.hpp"

namespace phiguard::certs {

/// A positive random serial of up to 128 bits (CA/B Forum asks for at least
/// 64 bits of entropy so that serials cannot be predicted). Null on failure.
asn1_integer_ptr random_serial();

/// Adds one extension written in openssl.cnf syntax ("critical,CA:TRUE").
/// issuer may equal cert (self-signed). Returns false on failure.
bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value);

/// notBefore = now + from_days, notAfter = now + to_days.
bool set_validity(X509* cert, long from_days, long to_days);

}  // namespace phiguard::certs
