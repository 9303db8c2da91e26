#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "certs/openssl_ptr.hpp"

namespace phiguard::certs {

/// Key algorithm of a CA (leaves always use ECDSA P-256).
enum class key_kind { ecdsa_p256, rsa_3072 };

/// "ecdsa-p256" / "rsa-3072" (the CLI spelling); nullopt for anything else.
std::optional<key_kind> parse_key_kind(std::string_view text);

/// A fresh key pair; throws certs::error when OpenSSL fails.
evp_pkey_ptr generate_key(key_kind kind);

/// "ECDSA P-256", "RSA 3072", … for `ca show` and logs.
std::string describe_key(const EVP_PKEY* key);

}  // namespace phiguard::certs
