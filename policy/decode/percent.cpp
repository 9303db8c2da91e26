#include "policy/decode/percent.hpp"

#include <algorithm>
#include <cstring>

namespace phiguard::policy::decode {
namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool has_percent_escape(std::string_view text) noexcept {
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        const void* p = std::memchr(text.data() + i, '%', text.size() - i - 2);
        if (!p) return false;
        i = static_cast<std::size_t>(static_cast<const char*>(p) - text.data());
        if (hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) return true;
    }
    return false;
}

unsigned char percent_decode_append(std::string_view text, bool plus_as_space, std::string& out,
                                    const byte_classes* classes) {
    static constexpr byte_classes none{};
    const byte_classes& cls = classes ? *classes : none;
    unsigned char seen = 0;
    // One byte loop into room reserved up front (decoding never grows the text). Form fields
    // are short and full of '+', so a memchr per escape cost more than it saved.
    const std::size_t start = out.size();
    out.resize(start + text.size());
    char* d = out.data() + start;
    const char* s = text.data();
    const char* const e = s + text.size();
    while (s < e) {
        const char c = *s;
        if (c == '+' && plus_as_space) {
            seen |= cls[' '];
            *d++ = ' ';
            ++s;
            continue;
        }
        if (c == '%' && e - s > 2) {
            const int hi = hex_value(s[1]);
            const int lo = hex_value(s[2]);
            if (hi >= 0 && lo >= 0) {
                const auto b = static_cast<unsigned char>(hi * 16 + lo);
                seen |= cls[b];
                *d++ = static_cast<char>(b);
                s += 3;
                continue;
            }
        }
        seen |= cls[static_cast<unsigned char>(c)];
        *d++ = c;
        ++s;
    }
    out.resize(static_cast<std::size_t>(d - out.data()));
    return seen;
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
    std::string out;
    percent_decode_append(text, plus_as_space, out);
    return out;
}

}  // namespace phiguard::policy::decode
