#pragma once

#include <string_view>
#include <vector>

#include "policy/destinations/vendor.hpp"

namespace phiguard::policy {

// Parses the catalogue format of policy/data/vendors.yaml. Throws
// std::runtime_error naming `source_name:line` on a malformed entry.
std::vector<vendor> parse_vendor_catalog(std::string_view yaml, std::string_view source_name);

}  // namespace phiguard::policy

namespace phiguard::embedded {
// The built-in catalogue, policy/data/vendors.yaml compiled into the binary.
std::string_view vendors();
}  // namespace phiguard::embedded
