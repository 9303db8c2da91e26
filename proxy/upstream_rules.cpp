#include "proxy/upstream_rules.hpp"

namespace phiguard::proxy {
namespace {

const std::vector<policy::cidr>& restricted_networks() {
    static const std::vector<policy::cidr> networks = [] {
        std::vector<policy::cidr> out;
        for (const char* text :
             {"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
              "172.16.0.0/12", "192.0.0.0/24", "192.168.0.0/16", "198.18.0.0/15", "224.0.0.0/4",
              "240.0.0.0/4", "::/128", "::1/128", "64:ff9b::/96", "fc00::/7", "fe80::/10",
              "ff00::/8"})
            out.push_back(*policy::parse_cidr(text));
        return out;
    }();
    return networks;
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
    route_plan p{std::string(host), port, std::nullopt, false};
    for (const auto& pin : connect_to_) {
        if (!pin.from_host.empty() && pin.from_host != host) continue;
        if (pin.from_port != 0 && pin.from_port != port) continue;
        if (!pin.to_host.empty()) p.host = pin.to_host;
        if (pin.to_port != 0) p.port = pin.to_port;
        p.pinned = true;
        break;  // first match wins, as in curl
    }
    for (const auto& pin : resolve_) {
        if (pin.host == p.host && pin.port == p.port) {
            p.address = pin.address;
            p.pinned = true;
            break;
        }
    }
    return p;
}

bool upstream_rules::restricted(const std::array<std::uint8_t, 16>& address) {
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
