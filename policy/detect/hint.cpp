#include "policy/detect/hint.hpp"

#include <cctype>

namespace phiguard::policy::detect {

std::string redact(std::string_view value) {
    const std::size_t n = value.size();
    std::string r(n, '*');
    auto keep = [&](std::size_t i) {
        const unsigned char c = static_cast<unsigned char>(value[i]);
        if (std::isalpha(c)) r[i] = static_cast<char>(c);
    };
    if (n > 4) {
        keep(0);
        keep(n - 1);
    }
    if (r.size() > 24) r = r.substr(0, 1) + "***" + r.substr(r.size() - 1);
    return r + ", " + std::to_string(n) + " chars";
}

}  // namespace phiguard::policy::detect
