#pragma once
#include <optional>
#include <string>
#include <string_view>

namespace phiguard::policy {

/// Why a destination or first-party pattern (domain_matches() syntax: "example.com" or
/// "*.example.com") could never match a request host, or nullopt when it can.
std::optional<std::string> domain_pattern_problem(std::string_view pattern);

}  // namespace phiguard::policy
