#pragma once

#include <filesystem>
#include <string>

#include "certs/openssl_ptr.hpp"

namespace phiguard::certs {

/// What `phiguard ca show` prints.
struct ca_info {
    std::string subject;
    std::string sha256_fingerprint;  ///< "AA:BB:…"
    std::string not_before;          ///< ISO-8601 UTC
    std::string not_after;           ///< ISO-8601 UTC
    std::string key;                 ///< "ECDSA P-256", "RSA 3072"
};

ca_info describe_ca(const X509* cert);

/// Reads a PEM certificate; throws certs::error naming the file (and, when it
/// is missing, the command that creates a CA in dir).
x509_ptr read_ca_cert(const std::filesystem::path& file, const std::filesystem::path& dir);

}  // namespace phiguard::certs
