#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace phiguard::proxy {

/// Where a proxied request goes, parsed from its request target.
struct request_target {
    std::string scheme;  ///< "http" (absolute-form) or "" (authority-form)
    std::string host;    ///< lower-case; IPv6 without brackets
    std::uint16_t port = 0;
    std::string path;  ///< origin-form path and query ("/" if empty)

    /// Host as it appears in an authority: IPv6 literals get brackets.
    std::string authority_host() const;
    /// "host:port", or "host" when the port is the scheme's default.
    std::string host_header() const;
    /// Path without the query: what logs may keep.
    std::string_view path_only() const;
};

/// "http://host[:port]/path?q" -> target; nullopt if not absolute-form http.
/// The reason is set for targets that look absolute but are malformed.
std::optional<request_target> parse_absolute_target(std::string_view target, std::string& reason);

/// CONNECT's "host:port" (port required).
std::optional<request_target> parse_authority_target(std::string_view target);

/// Does a Host header value name the same host and port as the target?
bool host_matches(const request_target& target, std::string_view host_header);

}  // namespace phiguard::proxy
