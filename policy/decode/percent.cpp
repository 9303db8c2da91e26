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

void percent_decode_append(std::string_view text, bool plus_as_space, std::string& out) {
    // Next '%' and '+' found with memchr and kept until passed: most bytes need no work.
    auto find = [&](char c, std::size_t from) {
        const void* q =
            from < text.size() ? std::memchr(text.data() + from, c, text.size() - from) : nullptr;
        return q ? static_cast<std::size_t>(static_cast<const char*>(q) - text.data())
                 : text.size();
    };
    std::size_t i = 0;
    std::size_t next_pct = find('%', 0);
    std::size_t next_plus = plus_as_space ? find('+', 0) : text.size();
    while (i < text.size()) {
        if (next_pct < i) next_pct = find('%', i);
        if (next_plus < i) next_plus = find('+', i);
        const std::size_t j = std::min(next_pct, next_plus);
        out.append(text.data() + i, j - i);
        if (j >= text.size()) break;
        if (text[j] == '+') {
            out.push_back(' ');
            i = j + 1;
            continue;
        }
        const bool room = j + 2 < text.size();
        const int hi = room ? hex_value(text[j + 1]) : -1;
        const int lo = room ? hex_value(text[j + 2]) : -1;
        if (hi >= 0 && lo >= 0) {
            out.push_back(static_cast<char>(hi * 16 + lo));
            i = j + 3;
        } else {
            out.push_back('%');
            i = j + 1;
        }
    }
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
    std::string out;
    percent_decode_append(text, plus_as_space, out);
    return out;
}

}  // namespace phiguard::policy::decode
