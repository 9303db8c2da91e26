#pragma once

#include <memory>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace phiguard::certs {

/// Calls the OpenSSL free function F; lets unique_ptr own OpenSSL objects.
template <auto F>
struct openssl_deleter {
    template <typename T>
    void operator()(T* p) const noexcept {
        F(p);
    }
};

using x509_ptr = std::unique_ptr<X509, openssl_deleter<X509_free>>;
using evp_pkey_ptr = std::unique_ptr<EVP_PKEY, openssl_deleter<EVP_PKEY_free>>;
using evp_pkey_ctx_ptr = std::unique_ptr<EVP_PKEY_CTX, openssl_deleter<EVP_PKEY_CTX_free>>;
using bio_ptr = std::unique_ptr<BIO, openssl_deleter<BIO_free_all>>;
using bignum_ptr = std::unique_ptr<BIGNUM, openssl_deleter<BN_free>>;
using asn1_integer_ptr = std::unique_ptr<ASN1_INTEGER, openssl_deleter<ASN1_INTEGER_free>>;
using asn1_octet_string_ptr =
    std::unique_ptr<ASN1_OCTET_STRING, openssl_deleter<ASN1_OCTET_STRING_free>>;
using x509_extension_ptr = std::unique_ptr<X509_EXTENSION, openssl_deleter<X509_EXTENSION_free>>;
using general_names_ptr = std::unique_ptr<GENERAL_NAMES, openssl_deleter<GENERAL_NAMES_free>>;
using x509_store_ptr = std::unique_ptr<X509_STORE, openssl_deleter<X509_STORE_free>>;
using x509_store_ctx_ptr = std::unique_ptr<X509_STORE_CTX, openssl_deleter<X509_STORE_CTX_free>>;

/// EVP_PKEY owned jointly (one leaf key shared by every leaf certificate).
inline std::shared_ptr<EVP_PKEY> share_key(evp_pkey_ptr key) {
    return std::shared_ptr<EVP_PKEY>(key.release(), openssl_deleter<EVP_PKEY_free>{});
}

}  // namespace phiguard::certs
