#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace phiguard::certs {

/// A host a leaf certificate can name: lower-case DNS name or IP literal.
struct host_name {
    std::string text;  ///< canonical form: "example.com", "192.0.2.1", "2001:db8::1"
    bool is_ip = false;
};

/// Canonicalises a host from SNI or CONNECT: lower-case, one trailing dot and
/// IPv6 brackets dropped. nullopt, with a reason in error, for an empty name,
/// more than 253 characters, empty labels or labels over 63, or characters
/// outside [a-z0-9-_.]. Never throws except std::bad_alloc.
std::optional<host_name> parse_host_name(std::string_view host, std::string& error);

}  // namespace phiguard::certs
