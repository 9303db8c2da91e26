#pragma once

#include <string>
#include <vector>

#include "policy/destinations/category.hpp"

namespace phiguard::policy {

// One company's tracking product. `domains` use domain_matches() syntax;
// `endpoints` are `host/path` globs (`*` spans any characters but `?`), or
// `/path` for "this path on any of the vendor's domains".
struct vendor {
    std::string id, organization;
    category cat = category::other;
    std::vector<std::string> domains;
    std::vector<std::string> endpoints;
};

}  // namespace phiguard::policy
