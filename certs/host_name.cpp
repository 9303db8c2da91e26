#include "certs/host_name.hpp"

#include <arpa/inet.h>

#include <algorithm>

namespace phiguard::certs {
namespace {

std::optional<std::string> canonical_ip(const std::string& text) {
    unsigned char addr[16];
    char out[INET6_ADDRSTRLEN];
    const int family = text.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    if (inet_pton(family, text.c_str(), addr) != 1) return std::nullopt;
    if (inet_ntop(family, addr, out, sizeof out) == nullptr) return std::nullopt;
    return std::string(out);
}

bool dns_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

}  // namespace

std::optional<host_name> parse_host_name(std::string_view host, std::string& error) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    else if (!host.empty() && host.back() == '.')
        host.remove_suffix(1);
    if (host.empty()) {
        error = "empty host name";
        return std::nullopt;
    }
    if (host.size() > 253) {
        error = "host name longer than 253 characters";
        return std::nullopt;
    }
    std::string text(host);
    std::transform(text.begin(), text.end(), text.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    if (auto ip = canonical_ip(text)) return host_name{std::move(*ip), true};
    if (!std::all_of(text.begin(), text.end(), dns_char)) {
        error = "host name has characters outside a-z, 0-9, '-', '_', '.'";
        return std::nullopt;
    }
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('.', start);
        if (end == std::string::npos) end = text.size();
        if (end == start || end - start > 63) {
            error = "host name has an empty label or one longer than 63 characters";
            return std::nullopt;
        }
        start = end + 1;
    }
    return host_name{std::move(text), false};
}

}  // namespace phiguard::certs
