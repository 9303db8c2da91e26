#include "policy/decode/json_escape.hpp"

namespace phiguard::policy::decode {
namespace {

int hex4(std::string_view s, std::size_t at) noexcept {
    if (at + 4 > s.size()) return -1;
    int v = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
        const char c = s[i];
        int d = -1;
        if (c >= '0' && c <= '9') d = c - '0';
        if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

void put_utf8(unsigned cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

// Decodes the escape at s[i] == '\\' into out; returns the characters consumed. keep_structural
// leaves \" and \\ as written.
std::size_t unescape_one(std::string_view s, std::size_t i, bool keep_structural,
                         std::string& out) {
    if (i + 1 >= s.size()) {
        out.push_back('\\');
        return 1;
    }
    const char e = s[i + 1];
    switch (e) {
        case '"':
        case '\\':
            if (keep_structural) out.push_back('\\');
            out.push_back(e);
            return 2;
        case '/':
            out.push_back('/');
            return 2;
        case 'n':
            out.push_back('\n');
            return 2;
        case 't':
            out.push_back('\t');
            return 2;
        case 'r':
            out.push_back('\r');
            return 2;
        case 'b':
            out.push_back('\b');
            return 2;
        case 'f':
            out.push_back('\f');
            return 2;
        case 'u': {
            int cp = hex4(s, i + 2);
            if (cp < 0) break;
            std::size_t used = 6;
            if (cp >= 0xd800 && cp < 0xdc00 && i + 7 < s.size() && s[i + 6] == '\\' &&
                s[i + 7] == 'u') {
                const int lo = hex4(s, i + 8);
                if (lo >= 0xdc00 && lo < 0xe000) {
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    used = 12;
                }
            }
            if (keep_structural && (cp == '"' || cp == '\\')) {
                out.push_back('\\');
            }
            put_utf8(static_cast<unsigned>(cp), out);
            return used;
        }
        default:
            break;
    }
    out.push_back('\\');
    return 1;
}

std::string unescape(std::string_view s, bool keep_structural) {
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto bs = s.find('\\', i);
        if (bs == std::string_view::npos) {
            out.append(s.substr(i));
            break;
        }
        out.append(s.substr(i, bs - i));
        i = bs + unescape_one(s, bs, keep_structural, out);
    }
    return out;
}

}  // namespace

std::string json_unescape_text(std::string_view json) {
    return unescape(json, true);
}

std::string json_unescape_string(std::string_view body) {
    return unescape(body, false);
}

}  // namespace phiguard::policy::decode
