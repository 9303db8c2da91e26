#include "certs/key.hpp"

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>

#include "certs/error.hpp"

namespace phiguard::certs {

std::optional<key_kind> parse_key_kind(std::string_view text) {
    if (text == "ecdsa-p256") return key_kind::ecdsa_p256;
    if (text == "rsa-3072") return key_kind::rsa_3072;
    return std::nullopt;
}

evp_pkey_ptr generate_key(key_kind kind) {
    evp_pkey_ptr key(kind == key_kind::ecdsa_p256 ? EVP_EC_gen("P-256") : EVP_RSA_gen(3072));
    if (!key) throw error("cannot generate a key pair: " + openssl_errors());
    return key;
}

std::string describe_key(const EVP_PKEY* key) {
    if (key == nullptr) return "none";
    const int bits = EVP_PKEY_get_bits(key);
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                           &len) == 1) {
            const std::string name(group, len);
            if (name == "prime256v1" || name == "P-256") return "ECDSA P-256";
            return "ECDSA " + name;
        }
        return "ECDSA " + std::to_string(bits) + " bits";
    }
    if (EVP_PKEY_is_a(key, "RSA")) return "RSA " + std::to_string(bits);
    const char* name = EVP_PKEY_get0_type_name(key);
    return std::string(name != nullptr ? name : "unknown") + " " + std::to_string(bits);
}

}  // namespace phiguard::certs
