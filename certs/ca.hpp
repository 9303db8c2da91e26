#pragma once

#include <filesystem>
#include <string>

#include "certs/key.hpp"

namespace phiguard::certs {

/// What `phiguard ca init` creates.
struct ca_options {
    key_kind key = key_kind::ecdsa_p256;
    int validity_days = 3650;
    std::string common_name = "phiguard local CA";
    /// Shifts the whole validity window by this many days. Only tests use it,
    /// to make a CA that is already expired (< 0) or not yet valid (> 0).
    int start_offset_days = 0;
};

/// Where a CA lives inside its directory.
struct ca_files {
    std::filesystem::path cert;
    std::filesystem::path key;
};

/// {dir/"phiguard-ca.pem", dir/"phiguard-ca.key"}
ca_files ca_paths(const std::filesystem::path& dir);

/// Creates a CA in dir (made 0700 if missing): the certificate (0644) and its
/// PKCS#8 key (0600, created exclusively so it is never readable by others,
/// not even for a moment). Refuses, with certs::error, to overwrite either file.
ca_files create_ca(const std::filesystem::path& dir, const ca_options& options);

}  // namespace phiguard::certs
