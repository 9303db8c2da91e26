#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace phiguard::proxy {

/// Strict checks on a complete request head (request line through the blank
/// line), done on the raw bytes before any parser sees them. Beast is lenient
/// where request smuggling lives (obs-fold, CL+TE, duplicate lengths), so we
/// refuse those shapes here. Returns the reason for a 400, or nullopt if fine.
std::optional<std::string> check_request_head(std::string_view head, std::size_t max_fields);

/// Offset just past "\r\n\r\n" in data, or npos. Starts searching at from.
std::size_t find_head_end(std::string_view data, std::size_t from = 0);

}  // namespace phiguard::proxy
