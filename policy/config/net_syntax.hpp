#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace phiguard::policy {

/// An IP network, e.g. 10.0.0.0/8 or fd00::/8. Addresses are kept as 16
/// bytes (IPv4 mapped into ::ffff:0:0/96) so one comparison serves both.
struct cidr {
    std::array<std::uint8_t, 16> network{};
    unsigned prefix = 0;  ///< over the 128-bit form

    bool contains(const std::array<std::uint8_t, 16>& address) const;
};

/// "a.b.c.d", "a.b.c.d/n", "v6", "v6/n"; nullopt when malformed or host bits set.
std::optional<cidr> parse_cidr(std::string_view text);

/// An IPv4 or IPv6 literal (brackets allowed) as 16 bytes, IPv4 mapped.
std::optional<std::array<std::uint8_t, 16>> parse_ip(std::string_view text);

/// curl's --resolve HOST:PORT:ADDR (ADDR may be a bracketed IPv6 literal).
struct resolve_pin {
    std::string host;  ///< lower-case
    std::uint16_t port = 0;
    std::string address;  ///< without brackets
};
std::optional<resolve_pin> parse_resolve_pin(std::string_view text);

/// curl's --connect-to HOST1:PORT1:HOST2:PORT2; empty HOST1/PORT1 match any,
/// empty HOST2/PORT2 keep the original.
struct connect_to_pin {
    std::string from_host;        ///< empty: any
    std::uint16_t from_port = 0;  ///< 0: any
    std::string to_host;          ///< empty: keep
    std::uint16_t to_port = 0;    ///< 0: keep
};
std::optional<connect_to_pin> parse_connect_to_pin(std::string_view text);

/// HOST:PORT for listeners ("127.0.0.1:3128", "[::1]:8080").
struct host_port {
    std::string host;
    std::uint16_t port = 0;
};
std::optional<host_port> parse_host_port(std::string_view text);

}  // namespace phiguard::policy
