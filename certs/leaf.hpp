#pragma once

#include <memory>
#include <string>

#include "certs/openssl_ptr.hpp"

namespace phiguard::certs {

/// One minted certificate for one host, with the key pair every leaf shares.
/// Immutable once minted; handed out as shared_ptr<const leaf>.
struct leaf {
    x509_ptr x509;
    std::shared_ptr<EVP_PKEY> pkey;
    std::string host;  ///< the canonical name it was minted for

    X509* cert() const { return x509.get(); }
    EVP_PKEY* key() const { return pkey.get(); }
};

}  // namespace phiguard::certs
