#include "proxy/request_target.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace phiguard::proxy {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool valid_reg_name(std::string_view host) {
    if (host.empty() || host.size() > 253) return false;
    return std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == '_';
    });
}

// host[:port] with IPv6 in brackets; default_port when the port is absent.
std::optional<request_target> parse_authority(std::string_view authority,
                                              std::optional<std::uint16_t> default_port) {
    request_target t;
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        auto close = authority.find(']');
        if (close == std::string_view::npos) return std::nullopt;
        // Only a real IPv6 address may sit in brackets: "[1.2.3.4]" or
        // "[:::]" would otherwise reach the resolver and the logs as a host.
        auto inner = lower(authority.substr(1, close - 1));
        in6_addr scratch{};
        if (inet_pton(AF_INET6, inner.c_str(), &scratch) != 1) return std::nullopt;
        t.host = std::move(inner);
        auto rest = authority.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') return std::nullopt;
            port_text = rest.substr(1);
        }
    } else {
        auto colon = authority.rfind(':');
        auto host = authority.substr(0, colon);
        if (!valid_reg_name(host)) return std::nullopt;
        t.host = lower(host);
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (port_text.empty()) {
        if (!default_port) return std::nullopt;
        t.port = *default_port;
        return t;
    }
    unsigned port = 0;
    auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535)
        return std::nullopt;
    t.port = static_cast<std::uint16_t>(port);
    return t;
}

}  // namespace

std::string request_target::authority_host() const {
    return host.find(':') != std::string::npos ? "[" + host + "]" : host;
}

std::string request_target::host_header() const {
    bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    return default_port ? authority_host() : authority_host() + ":" + std::to_string(port);
}

std::string_view request_target::path_only() const {
    std::string_view p(path);
    return p.substr(0, p.find('?'));
}

std::optional<request_target> parse_absolute_target(std::string_view target, std::string& reason) {
    auto sep = target.find("://");
    if (sep == std::string_view::npos) return std::nullopt;
    // RFC 3986 scheme syntax, so "x?u=http://y" is not taken for a scheme "x?u=http".
    auto scheme_text = target.substr(0, sep);
    if (scheme_text.empty() || !std::isalpha(static_cast<unsigned char>(scheme_text.front())) ||
        !std::all_of(scheme_text.begin(), scheme_text.end(), [](unsigned char c) {
            return std::isalnum(c) || c == '+' || c == '-' || c == '.';
        }))
        return std::nullopt;
    auto scheme = lower(scheme_text);
    if (scheme != "http") {
        reason = "only http:// targets can be proxied directly; use CONNECT for " + scheme;
        return std::nullopt;
    }
    auto rest = target.substr(sep + 3);
    auto path_start = rest.find_first_of("/?");
    auto authority = rest.substr(0, path_start);
    if (authority.find('@') != std::string_view::npos) {
        reason = "credentials in the request target are refused";
        return std::nullopt;
    }
    auto parsed = parse_authority(authority, 80);
    if (!parsed) {
        reason = "malformed host in request target";
        return std::nullopt;
    }
    parsed->scheme = "http";
    parsed->path =
        path_start == std::string_view::npos ? "/" : std::string(rest.substr(path_start));
    if (parsed->path.front() == '?') parsed->path.insert(0, "/");
    return parsed;
}

std::optional<request_target> parse_authority_target(std::string_view target) {
    return parse_authority(target, std::nullopt);
}

bool host_matches(const request_target& target, std::string_view host_header) {
    auto parsed = parse_authority(host_header, target.scheme == "https" ? 443 : 80);
    return parsed && parsed->host == target.host && parsed->port == target.port;
}

}  // namespace phiguard::proxy
