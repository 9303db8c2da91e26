#pragma once
#include <optional>
#include <string>
#include <vector>

#include "policy/decision/action.hpp"
#include "policy/decision/baa.hpp"
#include "policy/decision/source_mark.hpp"
#include "policy/destinations/category.hpp"
#include "policy/finding.hpp"

namespace phiguard::policy {

/// Conditions of one rule. An empty list or unset value matches anything; all set
/// conditions must hold. `kinds` and `locations` hold when one finding satisfies both
/// (and imply PHI found).
struct rule_match {
    std::vector<category> categories;
    std::vector<baa_state> baa;
    std::optional<bool> tracker, third_party, phi;
    std::vector<std::string> destinations;  ///< entry names or catalogue vendor ids
    std::vector<std::string> kinds;
    std::vector<location_kind> locations;
    std::vector<std::string> methods;  ///< upper case

    /// True when the outcome depends on the request's findings.
    bool uses_findings() const { return phi.has_value() || !kinds.empty() || !locations.empty(); }
};

struct rule {
    std::string id, description;
    rule_match match;
    action act = action::allow;
    source_mark at;
};

/// The reference decision table (DESIGN.md "Decision semantics") as ordered rules.
std::vector<rule> default_rules();

}  // namespace phiguard::policy
