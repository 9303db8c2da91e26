#include "policy/config/net_syntax.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <vector>

namespace phiguard::policy {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view text, bool allow_zero) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value > 65535) return std::nullopt;
    if (value == 0 && !allow_zero) return std::nullopt;
    return static_cast<std::uint16_t>(value);
}

// Splits on ':' outside brackets, so "[::1]:80" yields "[::1]" and "80".
std::vector<std::string_view> split_colons(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    bool in_brackets = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '[') in_brackets = true;
        if (text[i] == ']') in_brackets = false;
        if (text[i] == ':' && !in_brackets) {
            parts.push_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(text.substr(start));
    return parts;
}

std::string_view unbracket(std::string_view text) {
    if (text.size() >= 2 && text.front() == '[' && text.back() == ']')
        return text.substr(1, text.size() - 2);
    return text;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

bool valid_host(std::string_view host) {
    if (host.empty() || host.size() > 253) return false;
    return std::all_of(host.begin(), host.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == ':' || c == '*';
    });
}

}  // namespace

bool cidr::contains(const std::array<std::uint8_t, 16>& address) const {
    unsigned bits = prefix;
    for (std::size_t i = 0; i < 16 && bits > 0; ++i) {
        unsigned take = std::min(bits, 8u);
        auto mask = static_cast<std::uint8_t>(0xFFu << (8 - take));
        if ((address[i] & mask) != (network[i] & mask)) return false;
        bits -= take;
    }
    return true;
}

std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text) {
    std::string s(unbracket(text));
    std::array<std::uint8_t, 16> out{};
    in_addr v4{};
    if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
        out[10] = out[11] = 0xFF;
        std::copy_n(reinterpret_cast<const std::uint8_t*>(&v4.s_addr), 4, out.begin() + 12);
        return out;
    }
    in6_addr v6{};
    if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
        std::copy_n(v6.s6_addr, 16, out.begin());
        return out;
    }
    return std::nullopt;
}

std::optional<cidr> parse_cidr(std::string_view text) {
    auto slash = text.find('/');
    auto address = parse_ip(text.substr(0, slash));
    if (!address) return std::nullopt;
    bool v4 = text.substr(0, slash).find(':') == std::string_view::npos;
    unsigned max_prefix = v4 ? 32 : 128;
    unsigned prefix = max_prefix;
    if (slash != std::string_view::npos) {
        auto digits = text.substr(slash + 1);
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
        if (ec != std::errc{} || end != digits.data() + digits.size() || prefix > max_prefix)
            return std::nullopt;
    }
    cidr result{*address, v4 ? prefix + 96 : prefix};
    // Host bits set ("10.0.0.1/8") usually means a typo: refuse rather than guess.
    cidr masked = result;
    for (unsigned bit = result.prefix; bit < 128; ++bit)
        masked.network[bit / 8] &= static_cast<std::uint8_t>(~(0x80u >> (bit % 8)));
    if (masked.network != result.network) return std::nullopt;
    return result;
}

std::optional<resolve_pin> parse_resolve_pin(std::string_view text) {
    auto parts = split_colons(text);
    if (parts.size() != 3 || !valid_host(parts[0])) return std::nullopt;
    auto port = parse_port(parts[1], false);
    if (!port || !parse_ip(parts[2])) return std::nullopt;
    return resolve_pin{lower(parts[0]), *port, std::string(unbracket(parts[2]))};
}

std::optional<connect_to_pin> parse_connect_to_pin(std::string_view text) {
    auto parts = split_colons(text);
    if (parts.size() != 4) return std::nullopt;
    connect_to_pin pin;
    pin.from_host = lower(unbracket(parts[0]));
    pin.to_host = lower(unbracket(parts[2]));
    if (!parts[1].empty()) {
        auto port = parse_port(parts[1], false);
        if (!port) return std::nullopt;
        pin.from_port = *port;
    }
    if (!parts[3].empty()) {
        auto port = parse_port(parts[3], false);
        if (!port) return std::nullopt;
        pin.to_port = *port;
    }
    if ((!pin.from_host.empty() && !valid_host(pin.from_host)) ||
        (!pin.to_host.empty() && !valid_host(pin.to_host)))
        return std::nullopt;
    return pin;
}

std::optional<host_port> parse_host_port(std::string_view text) {
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto host = unbracket(text.substr(0, colon));
    auto port = parse_port(text.substr(colon + 1), true);
    if (!port || !valid_host(host)) return std::nullopt;
    return host_port{std::string(host), *port};
}

}  // namespace phiguard::policy
