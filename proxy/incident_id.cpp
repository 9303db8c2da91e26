#include "proxy/incident_id.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdlib>

namespace phiguard::proxy {

std::string new_incident_id() {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        // OpenSSL's CSPRNG failing is an environment fault; an id that is
        // merely unlikely to collide still does its job for correlation.
        for (auto& b : bytes) b = static_cast<unsigned char>(std::rand());
    }
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (auto b : bytes) {
        out += hex[b >> 4];
        out += hex[b & 0x0F];
    }
    return out;
}

}  // namespace phiguard::proxy
