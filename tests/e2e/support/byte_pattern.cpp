#include "e2e/support/byte_pattern.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstdio>

namespace phiguard::e2e {

void fill_pattern(char* out, std::uint64_t offset, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) out[i] = pattern_byte(offset + i);
}

std::string pattern_bytes(std::size_t n) {
    std::string s(n, '\0');
    fill_pattern(s.data(), 0, n);
    return s;
}

std::string sha256_hex(std::string_view data) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), md.data(), &len, EVP_sha256(), nullptr);
    std::string hex;
    for (unsigned int i = 0; i < len; ++i) {
        std::array<char, 3> two{};
        std::snprintf(two.data(), two.size(), "%02x", md[i]);
        hex += two.data();
    }
    return hex;
}

}  // namespace phiguard::e2e
