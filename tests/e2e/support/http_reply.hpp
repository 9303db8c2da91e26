#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace phiguard::e2e {

/// One HTTP/1.1 response as it arrived on the wire, parsed leniently enough to show what the
/// proxy sent and strictly enough to frame keep-alive responses.
struct http_reply {
    int status = 0;
    std::string head;  // status line and header fields, without the final blank line
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // de-chunked

    /// Value of the first field named `name` (case-insensitive), or "" when absent.
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
};

/// Parses one response from the front of `data`. `head_request`: the response to a HEAD has no
/// body; `eof`: the peer has closed, which ends a body framed by close. Returns nullopt while
/// incomplete; on success `consumed` receives the number of bytes used.
std::optional<http_reply> parse_reply(std::string_view data, bool head_request, bool eof,
                                      std::size_t& consumed);

/// ASCII case-insensitive equality, for header names and tokens.
bool iequals(std::string_view a, std::string_view b);
/// True when `haystack` contains `needle`, ASCII case-insensitively.
bool icontains(std::string_view haystack, std::string_view needle);

}  // namespace phiguard::e2e
