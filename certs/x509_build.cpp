#include "certs/x509_build.hpp"

#include <openssl/rand.h>

namespace phiguard::certs {

asn1_integer_ptr random_serial() {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return nullptr;
    bytes[sizeof bytes - 1] |= 1;  // never zero, which RFC 5280 forbids
    bignum_ptr bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
    if (!bn) return nullptr;
    return asn1_integer_ptr(BN_to_ASN1_INTEGER(bn.get(), nullptr));
}

bool add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    x509_extension_ptr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

bool set_validity(X509* cert, long from_days, long to_days) {
    constexpr long day = 24L * 60 * 60;
    return X509_gmtime_adj(X509_getm_notBefore(cert), from_days * day) != nullptr &&
           X509_gmtime_adj(X509_getm_notAfter(cert), to_days * day) != nullptr;
}

}  // namespace phiguard::certs
