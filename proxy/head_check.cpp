#include "proxy/head_check.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

namespace phiguard::proxy {
namespace {

bool is_tchar(unsigned char c) {
    return std::isalnum(c) ||
           std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
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

std::optional<std::string> check_request_line(std::string_view line) {
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
    if (target.empty() || std::any_of(target.begin(), target.end(), [](char c) {
            auto u = static_cast<unsigned char>(c);
            return u <= 0x20 || u == 0x7F;
        }))
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
    for (std::size_t i = 0; i < head.size(); ++i) {
        if (head[i] == '\r' && (i + 1 >= head.size() || head[i + 1] != '\n'))
            return "bare CR in request head";
        if (head[i] == '\n' && (i == 0 || head[i - 1] != '\r')) return "bare LF in request head";
    }
    // Without the terminating blank line the field loop below would run off
    // the end (npos + 2 wraps to 1); callers pass whole heads, fuzzers need not.
    if (head.size() < 4 || head.substr(head.size() - 4) != "\r\n\r\n")
        return "incomplete request head";
    auto line_end = head.find("\r\n");
    if (auto bad = check_request_line(head.substr(0, line_end))) return bad;

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
        if (std::any_of(value.begin(), value.end(), [](char c) {
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
