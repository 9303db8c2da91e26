#pragma once

#include "certs/openssl_ptr.hpp"

namespace phiguard::certs {

/// The ECDSA P-256 key pair shared by every leaf, built so that putting it
/// into a certificate is cheap: an EC_KEY-backed EVP_PKEY. With OpenSSL 3's
/// provider-native keys, X509_set_pubkey goes through an encoder and a
/// decoder on every call (~500 us, 20x the signature); the EC_KEY path encodes
/// the point directly (~10 us). Throws certs::error on failure.
evp_pkey_ptr generate_leaf_key();

}  // namespace phiguard::certs
