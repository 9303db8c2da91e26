#include "proxy/upstream_rules.hpp"

#include <algorithm>
#include <cctype>

namespace phiguard::proxy {
namespace {

const std::vector<policy::cidr>& restricted_networks() {
    static const std::vector<policy::cidr> networks = [] {
        std::vector<policy::cidr> out;
        for (const char* text :
             {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
              "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4",
              "240.0.0.0/4", "::/96", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8"})
            out.push_back(*policy::parse_cidr(text));
        return out;
    }();
    return networks;
}

// NAT64 (RFC 6052) carries an IPv4 address in its last four bytes; on an
// IPv6-only network every public site resolves there, so judge the IPv4 inside.
const policy::cidr& nat64_prefix() {
    static const policy::cidr prefix = *policy::parse_cidr("64:ff9b::/96");
    return prefix;
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

}  // namespace

upstream_rules::upstream_rules(const policy::upstream_settings& settings) {
    // The loader has validated these; anything unparsable is simply skipped.
    for (const auto& text : settings.resolve)
        if (auto pin = policy::parse_resolve_pin(text)) resolve_.push_back(*pin);
    for (const auto& text : settings.connect_to)
        if (auto pin = policy::parse_connect_to_pin(text)) connect_to_.push_back(*pin);
    for (const auto& text : settings.allow)
        if (auto net = policy::parse_cidr(text)) allow_.push_back(*net);
}

route_plan upstream_rules::plan(std::string_view host, std::uint16_t port) const {
    // Names compare case-insensitively, as in curl; the pins are lower-case.
    const auto name = lower(host);
    route_plan p{name, port, std::nullopt, false};
    for (const auto& pin : connect_to_) {
        if (!pin.from_host.empty() && pin.from_host != name) continue;
        if (pin.from_port != 0 && pin.from_port != port) continue;
        if (!pin.to_host.empty()) p.host = pin.to_host;
        if (pin.to_port != 0) p.port = pin.to_port;
        p.pinned = true;
        break;  // first match wins, as in curl
    }
    for (const auto& pin : resolve_) {
        // "*" pins every name, as curl 7.64's --resolve '*:443:addr' does.
        if ((pin.host == p.host || pin.host == "*") && pin.port == p.port) {
            p.address = pin.address;
            p.pinned = true;
            break;
        }
    }
    return p;
}

bool upstream_rules::restricted(const std::array<std::uint8_t, 16>& address) {
    if (nat64_prefix().contains(address)) {
        std::array<std::uint8_t, 16> v4{};
        v4[10] = v4[11] = 0xFF;
        std::copy_n(address.begin() + 12, 4, v4.begin() + 12);
        return restricted(v4);
    }
    for (const auto& net : restricted_networks())
        if (net.contains(address)) return true;
    return false;
}

bool upstream_rules::permitted(const std::array<std::uint8_t, 16>& address, bool pinned) const {
    if (pinned || !restricted(address)) return true;
    for (const auto& net : allow_)
        if (net.contains(address)) return true;
    return false;
}

}  // namespace phiguard::proxy
