#pragma once
#include <string>

#include "policy/decision/action.hpp"

namespace phiguard::policy {

/// What to do with one request, and which rule said so.
struct verdict {
    action act = action::allow;         ///< what the proxy does
    action configured = action::allow;  ///< what the rule says, before the monitor downgrade
    std::string rule_id, rule_description;

    /// True when enforce mode would have blocked (monitor: "would block").
    bool would_block() const { return configured == action::block; }
};

}  // namespace phiguard::policy
