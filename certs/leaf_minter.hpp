#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "certs/authority.hpp"
#include "certs/leaf.hpp"

namespace phiguard::certs {

/// Signs per-host leaf certificates with the CA. One ECDSA P-256 key pair,
/// made at construction, serves every leaf, so a mint costs one signature.
class leaf_minter {
public:
    /// Throws certs::error for a null CA, validity_days outside 1..397
    /// (browsers refuse longer), or a failed key generation.
    explicit leaf_minter(std::shared_ptr<const authority> ca, int validity_days = 30);

    /// A leaf for host (DNS name -> DNS SAN + CN, IP literal -> IP SAN).
    /// nullptr with a reason in error for an invalid name or OpenSSL failure.
    std::shared_ptr<const leaf> mint(std::string_view host, std::string& error) const noexcept;

    const authority& ca() const { return *ca_; }

private:
    std::shared_ptr<const leaf> build(std::string_view host, std::string& error) const;
    bool add_fixed_extensions(X509* cert) const;

    std::shared_ptr<const authority> ca_;
    std::shared_ptr<EVP_PKEY> key_;
    int validity_days_;
    /// Extensions every leaf carries, built once (basicConstraints, keyUsage,
    /// extendedKeyUsage, authorityKeyIdentifier).
    std::vector<x509_extension_ptr> fixed_;
};

}  // namespace phiguard::certs
