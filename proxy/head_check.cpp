#include "proxy/head_check.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace phiguard::proxy {
namespace {

// RFC 9110 5.6.2 token characters, as a table: the head check runs on every
// request, and a per-byte search of the punctuation list was 3 % of the
// instructions of an intercepted keep-alive exchange.
constexpr std::array<bool, 256> tchar_table = [] {
    std::array<bool, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[c] = true;
    for (int c = 'a'; c <= 'z'; ++c) t[c] = true;
    for (int c = 'A'; c <= 'Z'; ++c) t[c] = true;
    for (char c : std::string_view("!#$%&'*+-.^_`|~")) t[static_cast<unsigned char>(c)] = true;
    return t;
}();

bool is_tchar(unsigned char c) {
    return tchar_table[c];
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Splits a list-valued field on commas, trimming each element.
void split_list(std::string_view value, std::vector<std::string_view>& out) {
    while (true) {
        auto comma = value.find(',');
        out.push_back(trim(value.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
}

// Looks at every byte below 0x20 and DEL, sixteen bytes at a time: a sound
// head has only its CRLFs there. Returns the reason for a bare CR or LF;
// other_controls tells whether tabs, DEL or other control bytes exist, so the
// per-field value check runs only when it can find something.
std::optional<std::string> check_line_ends(std::string_view head, bool& other_controls) {
    auto const* p = head.data();
    auto const n = head.size();
    auto look = [&](std::size_t i) -> const char* {
        auto c = p[i];
        if (c == '\r') return i + 1 < n && p[i + 1] == '\n' ? nullptr : "bare CR in request head";
        if (c == '\n') return i > 0 && p[i - 1] == '\r' ? nullptr : "bare LF in request head";
        other_controls = true;
        return nullptr;
    };
    std::size_t i = 0;
#ifdef __SSE2__
    const __m128i below_space = _mm_set1_epi8(0x1F);
    const __m128i del = _mm_set1_epi8(0x7F);
    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
        __m128i control =
            _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(v, below_space), v), _mm_cmpeq_epi8(v, del));
        for (unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(control)); mask != 0;
             mask &= mask - 1)
            if (auto bad = look(i + static_cast<std::size_t>(__builtin_ctz(mask)))) return bad;
    }
#endif
    for (; i < n; ++i) {
        auto u = static_cast<unsigned char>(p[i]);
        if (u < 0x20 || u == 0x7F)
            if (auto bad = look(i)) return bad;
    }
    return std::nullopt;
}

// controls: whether the head holds control bytes other than its CRLFs.
std::optional<std::string> check_request_line(std::string_view line, bool controls) {
    auto sp1 = line.find(' ');
    auto sp2 = line.rfind(' ');
    if (sp1 == std::string_view::npos || sp1 == sp2) return "malformed request line";
    auto method = line.substr(0, sp1);
    auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    auto version = line.substr(sp2 + 1);
    if (method.empty() || !std::all_of(method.begin(), method.end(), [](char c) {
            return is_tchar(static_cast<unsigned char>(c));
        }))
        return "malformed method";
    // Without control bytes in the head, only a space can spoil the target.
    auto bad_target_byte = [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F;
    };
    if (target.empty() || (controls ? std::any_of(target.begin(), target.end(), bad_target_byte)
                                    : target.find(' ') != std::string_view::npos))
        return "malformed request target";
    if (version != "HTTP/1.1" && version != "HTTP/1.0") return "unsupported HTTP version";
    return std::nullopt;
}

}  // namespace

std::size_t find_head_end(std::string_view data, std::size_t from) {
    auto pos = data.find("\r\n\r\n", from);
    return pos == std::string_view::npos ? pos : pos + 4;
}

std::optional<std::string> check_request_head(std::string_view head, std::size_t max_fields) {
    if (head.find('\0') != std::string_view::npos) return "NUL byte in request head";
    // Every CR must start a CRLF and every LF must end one: bare CR or LF
    // are parsed differently by different servers (smuggling).
    bool other_controls = false;
    if (auto bad = check_line_ends(head, other_controls)) return bad;
    // Without the terminating blank line the field loop below would run off
    // the end (npos + 2 wraps to 1); callers pass whole heads, fuzzers need not.
    if (head.size() < 4 || head.substr(head.size() - 4) != "\r\n\r\n")
        return "incomplete request head";
    auto line_end = head.find("\r\n");
    if (auto bad = check_request_line(head.substr(0, line_end), other_controls)) return bad;

    std::size_t fields = 0;
    std::vector<std::string_view> lengths;
    std::vector<std::string_view> codings;
    bool has_length = false;
    bool has_coding = false;
    std::size_t hosts = 0;
    std::size_t pos = line_end + 2;
    while (pos < head.size()) {
        auto end = head.find("\r\n", pos);
        auto line = head.substr(pos, end - pos);
        pos = end + 2;
        if (line.empty()) break;  // the blank line ending the head
        if (line.front() == ' ' || line.front() == '\t')
            return "obsolete line folding in header field";
        if (++fields > max_fields) return "too many header fields";
        auto colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) return "malformed header field";
        auto name = line.substr(0, colon);
        if (!std::all_of(name.begin(), name.end(),
                         [](char c) { return is_tchar(static_cast<unsigned char>(c)); }))
            return "malformed header field name";
        auto value = trim(line.substr(colon + 1));
        if (other_controls && std::any_of(value.begin(), value.end(), [](char c) {
                auto u = static_cast<unsigned char>(c);
                return (u < 0x20 && u != '\t') || u == 0x7F;
            }))
            return "control character in header field value";
        if (iequals(name, "content-length")) {
            has_length = true;
            split_list(value, lengths);
        } else if (iequals(name, "transfer-encoding")) {
            has_coding = true;
            split_list(value, codings);
        } else if (iequals(name, "host")) {
            ++hosts;
        }
    }
    // RFC 9112 3.2: two Host lines let two parsers pick two different origins, and an
    // HTTP/1.1 request without one must be answered 400.
    if (hosts > 1) return "more than one Host header field";
    const bool http10 = head.substr(0, line_end).ends_with("HTTP/1.0");
    if (hosts == 0 && !http10) return "HTTP/1.1 request without a Host header field";
    // RFC 9112 6.1: HTTP/1.0 has no Transfer-Encoding, so its framing is faulty; a server
    // that honoured it would disagree with one that did not (smuggling).
    if (has_coding && http10) return "Transfer-Encoding in an HTTP/1.0 request";
    if (has_length && has_coding) return "both Content-Length and Transfer-Encoding";
    for (auto length : lengths) {
        if (length.empty() || length.size() > 18 ||
            !std::all_of(length.begin(), length.end(),
                         [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            return "invalid Content-Length";
        if (length != lengths.front()) return "conflicting Content-Length values";
    }
    if (has_coding) {
        if (codings.empty() || !iequals(codings.back(), "chunked"))
            return "Transfer-Encoding does not end in chunked";
        for (std::size_t i = 0; i + 1 < codings.size(); ++i)
            if (iequals(codings[i], "chunked")) return "chunked applied more than once";
    }
    return std::nullopt;
}

}  // namespace phiguard::proxy
