#include "e2e/support/http_reply.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdint>

namespace phiguard::e2e {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

bool icontains(std::string_view haystack, std::string_view needle) {
    if (needle.size() > haystack.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        if (iequals(haystack.substr(i, needle.size()), needle)) return true;
    }
    return false;
}

std::string http_reply::header(std::string_view name) const {
    for (auto const& [k, v] : headers) {
        if (iequals(k, name)) return v;
    }
    return {};
}

bool http_reply::has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(),
                       [&](auto const& kv) { return iequals(kv.first, name); });
}

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Decodes a chunked body starting at `pos`; nullopt while incomplete or malformed.
std::optional<std::string> dechunk(std::string_view data, std::size_t& pos) {
    std::string body;
    for (int guard = 0; guard < 1'000'000; ++guard) {
        auto const eol = data.find("\r\n", pos);
        if (eol == std::string_view::npos) return std::nullopt;
        auto size_text = data.substr(pos, eol - pos);
        size_text = size_text.substr(0, size_text.find(';'));
        std::uint64_t size = 0;
        auto const [p, ec] =
            std::from_chars(size_text.data(), size_text.data() + size_text.size(), size, 16);
        if (ec != std::errc{} || p != size_text.data() + size_text.size()) return std::nullopt;
        pos = eol + 2;
        if (size == 0) {
            // Skip trailer fields up to the blank line.
            for (int t = 0; t < 1000; ++t) {
                auto const end = data.find("\r\n", pos);
                if (end == std::string_view::npos) return std::nullopt;
                bool const blank = end == pos;
                pos = end + 2;
                if (blank) return body;
            }
            return std::nullopt;
        }
        if (data.size() < pos + size + 2) return std::nullopt;
        body.append(data.substr(pos, size));
        pos += size + 2;
    }
    return std::nullopt;
}

}  // namespace

std::optional<http_reply> parse_reply(std::string_view data, bool head_request, bool eof,
                                      std::size_t& consumed) {
    auto const head_end = data.find("\r\n\r\n");
    if (head_end == std::string_view::npos) return std::nullopt;
    http_reply reply;
    reply.head = std::string(data.substr(0, head_end));
    std::string_view head = reply.head;
    auto const line_end = head.find("\r\n");
    auto const status_line = head.substr(0, line_end);
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return std::nullopt;
    auto const code = status_line.substr(9, 3);
    std::from_chars(code.data(), code.data() + code.size(), reply.status);
    std::size_t pos = line_end == std::string_view::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
        auto end = head.find("\r\n", pos);
        if (end == std::string_view::npos) end = head.size();
        auto const line = head.substr(pos, end - pos);
        auto const colon = line.find(':');
        if (colon != std::string_view::npos) {
            reply.headers.emplace_back(std::string(trim(line.substr(0, colon))),
                                       std::string(trim(line.substr(colon + 1))));
        }
        pos = end + 2;
    }

    std::size_t body_pos = head_end + 4;
    bool const no_body =
        head_request || reply.status / 100 == 1 || reply.status == 204 || reply.status == 304;
    if (no_body) {
        consumed = body_pos;
        return reply;
    }
    if (icontains(reply.header("Transfer-Encoding"), "chunked")) {
        auto body = dechunk(data, body_pos);
        if (!body) return std::nullopt;
        reply.body = std::move(*body);
        consumed = body_pos;
        return reply;
    }
    if (reply.has_header("Content-Length")) {
        auto const text = reply.header("Content-Length");
        std::uint64_t length = 0;
        std::from_chars(text.data(), text.data() + text.size(), length);
        if (data.size() < body_pos + length) return std::nullopt;
        reply.body = std::string(data.substr(body_pos, length));
        consumed = body_pos + length;
        return reply;
    }
    if (!eof) return std::nullopt;
    reply.body = std::string(data.substr(body_pos));
    consumed = data.size();
    return reply;
}

}  // namespace phiguard::e2e
