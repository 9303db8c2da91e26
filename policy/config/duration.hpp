#pragma once
#include <chrono>
#include <optional>
#include <string_view>

namespace phiguard::policy {

/// Parses "250ms", "30s", "5m", "1h" (a bare number means seconds).
/// nullopt for anything else, including negative values and overflow.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace phiguard::policy
