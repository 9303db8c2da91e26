#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include <openssl/ec.h>
#include <openssl/pem.h>

#include "certs/openssl_ptr.hpp"
#include "certs/x509_build.hpp"

namespace phiguard::test {

/// A self-signed serverAuth certificate for host with its own key.
struct self_signed {
    certs::evp_pkey_ptr key{EVP_EC_gen("P-256")};
    certs::x509_ptr cert{X509_new()};

    explicit self_signed(const std::string& host) {
        X509* c = cert.get();
        auto serial = certs::random_serial();
        const auto* cn = reinterpret_cast<const unsigned char*>(host.c_str());
        if (!key || !serial || X509_set_version(c, X509_VERSION_3) != 1 ||
            X509_set_serialNumber(c, serial.get()) != 1 || !certs::set_validity(c, -1, 30) ||
            X509_NAME_add_entry_by_txt(X509_get_subject_name(c), "CN", MBSTRING_UTF8, cn, -1, -1,
                                       0) != 1 ||
            X509_set_issuer_name(c, X509_get_subject_name(c)) != 1 ||
            X509_set_pubkey(c, key.get()) != 1 ||
            !certs::add_extension(c, c, NID_subject_alt_name, "DNS:" + host) ||
            !certs::add_extension(c, c, NID_ext_key_usage, "serverAuth") ||
            X509_sign(c, key.get(), EVP_sha256()) == 0)
            throw std::runtime_error("cannot build a self-signed certificate");
    }
};

/// A copy of cert whose validity ended yesterday, re-signed by signer.
inline certs::x509_ptr expired_copy(X509* cert, EVP_PKEY* signer) {
    certs::x509_ptr copy(X509_dup(cert));
    if (!copy || !certs::set_validity(copy.get(), -30, -1) ||
        X509_sign(copy.get(), signer, EVP_sha256()) == 0)
        throw std::runtime_error("cannot build an expired certificate");
    return copy;
}

}  // namespace phiguard::test
