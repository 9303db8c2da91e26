#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "certs/ca_info.hpp"
#include "certs/openssl_ptr.hpp"

namespace phiguard::certs {

/// A loaded, checked CA: certificate plus matching private key. Immutable
/// after load, so every io thread may share it.
class authority {
public:
    /// Loads dir/phiguard-ca.{pem,key}. Throws certs::error naming the file
    /// and the fix when a file is missing or unreadable, the key is accessible
    /// by group or others, the key does not match the certificate, the
    /// certificate is outside its validity period, or it is not a CA.
    static std::shared_ptr<const authority> load(const std::filesystem::path& dir);

    X509* cert() const { return cert_.get(); }
    EVP_PKEY* key() const { return key_.get(); }
    ca_info info() const { return describe_ca(cert_.get()); }

    /// Takes an already checked pair; load() is the way in for files.
    authority(x509_ptr cert, evp_pkey_ptr key);

private:
    x509_ptr cert_;
    evp_pkey_ptr key_;
};

}  // namespace phiguard::certs
