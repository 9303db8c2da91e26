#include "policy/decode/base64.hpp"

#include <array>

namespace phiguard::policy::decode {
namespace {

constexpr std::array<signed char, 256> make_table() {
    std::array<signed char, 256> t{};
    for (auto& v : t) v = -1;
    const char* a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < 62; ++i) t[static_cast<unsigned char>(a[i])] = static_cast<signed char>(i);
    t['+'] = 62;
    t['-'] = 62;
    t['/'] = 63;
    t['_'] = 63;
    return t;
}
constexpr auto table = make_table();

}  // namespace

std::optional<std::string> base64_decode(std::string_view text) {
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    unsigned acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = table[static_cast<unsigned char>(c)];
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xff));
        }
    }
    return out;
}

bool looks_base64(std::string_view text) noexcept {
    std::size_t n = text.size();
    while (n > 0 && text[n - 1] == '=') --n;
    if (n < base64_min_token || n % 4 == 1 || text.size() - n > 2) return false;
    bool std_only = false, url_only = false, digit = false, upper = false, lower = false;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = text[i];
        if (table[static_cast<unsigned char>(c)] < 0) return false;
        if (c == '+' || c == '/') std_only = true;
        if (c == '-' || c == '_') url_only = true;
        if (c >= '0' && c <= '9') digit = true;
        if (c >= 'A' && c <= 'Z') upper = true;
        if (c >= 'a' && c <= 'z') lower = true;
    }
    return !(std_only && url_only) && upper && lower && (digit || n >= 24);
}

bool mostly_printable(std::string_view text) noexcept {
    if (text.empty()) return false;
    std::size_t bad = 0;
    for (unsigned char c : text)
        if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7f) ++bad;
    return bad * 20 <= text.size();
}

}  // namespace phiguard::policy::decode
