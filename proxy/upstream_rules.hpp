#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/config/net_syntax.hpp"
#include "policy/config/settings.hpp"

namespace phiguard::proxy {

/// Where to actually connect for a request to host:port.
struct route_plan {
    std::string host;  ///< name to resolve (or literal)
    std::uint16_t port = 0;
    std::optional<std::string> address;  ///< pinned by --resolve: no DNS
    bool pinned = false;  ///< an operator rule chose this route: the SSRF guard trusts it
};

/// The operator's routing rules (--connect-to, --resolve) and the SSRF guard
/// (--allow-upstream). Pure: no sockets, so it is tested in isolation.
class upstream_rules {
public:
    explicit upstream_rules(const policy::upstream_settings& settings);

    /// curl's order: --connect-to rewrites host:port, then --resolve pins the
    /// resulting name to an address.
    route_plan plan(std::string_view host, std::uint16_t port) const;

    /// May we connect to this address? Loopback, private, link-local (cloud
    /// metadata), CGNAT, multicast and reserved ranges are refused unless the
    /// route was pinned or an --allow-upstream network contains the address.
    bool permitted(const std::array<std::uint8_t, 16>& address, bool pinned) const;

    /// True for the ranges the guard refuses by default.
    static bool restricted(const std::array<std::uint8_t, 16>& address);

private:
    std::vector<policy::resolve_pin> resolve_;
    std::vector<policy::connect_to_pin> connect_to_;
    std::vector<policy::cidr> allow_;
};

}  // namespace phiguard::proxy
