#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "policy/finding.hpp"

namespace phiguard::proxy {

/// The request path as the alert and access logs may keep it. Findings carry
/// no value, so the logs must not either: when the request line held PHI
/// (a finding located in it), the path is replaced by a note of its length,
/// since findings' byte ranges point into decoded text and a partial cut
/// could leave an encoded copy behind. The findings still say what and where.
std::string logged_path(std::string_view path, const std::vector<policy::finding>& findings);

/// The User-Agent as the alert log may keep it: redacted when a finding sits
/// in that header, and cut to a bounded length otherwise.
std::string logged_user_agent(std::string_view user_agent,
                              const std::vector<policy::finding>& findings);

}  // namespace phiguard::proxy
