// EC_KEY is deprecated in OpenSSL 3 but still the fast path for
// X509_set_pubkey (see leaf_key.hpp); confined to this file.
#define OPENSSL_SUPPRESS_DEPRECATED

#include "certs/leaf_key.hpp"

#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "certs/error.hpp"

namespace phiguard::certs {

evp_pkey_ptr generate_leaf_key() {
    std::unique_ptr<EC_KEY, openssl_deleter<EC_KEY_free>> ec(
        EC_KEY_new_by_curve_name(NID_X9_62_prime256v1));
    evp_pkey_ptr key(EVP_PKEY_new());
    if (!ec || !key || EC_KEY_generate_key(ec.get()) != 1 ||
        EVP_PKEY_assign_EC_KEY(key.get(), ec.get()) != 1)
        throw error("cannot generate the leaf key pair: " + openssl_errors());
    ec.release();  // now owned by key
    return key;
}

}  // namespace phiguard::certs
