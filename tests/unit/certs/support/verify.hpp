#pragma once

#include <openssl/x509_vfy.h>

#include "certs/openssl_ptr.hpp"

namespace phiguard::test {

/// X509_verify_cert of leaf against a store holding only ca, for the
/// serverAuth purpose; returns the X509_V_* result.
inline int verify_against(X509* leaf, X509* ca) {
    certs::x509_store_ptr store(X509_STORE_new());
    X509_STORE_add_cert(store.get(), ca);
    certs::x509_store_ctx_ptr ctx(X509_STORE_CTX_new());
    X509_STORE_CTX_init(ctx.get(), store.get(), leaf, nullptr);
    X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER);
    const int ok = X509_verify_cert(ctx.get());
    const int result = X509_STORE_CTX_get_error(ctx.get());
    return ok == 1 ? X509_V_OK : (result == X509_V_OK ? X509_V_ERR_UNSPECIFIED : result);
}

}  // namespace phiguard::test
