#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "policy/decision/calendar_date.hpp"
#include "policy/decision/source_mark.hpp"

namespace phiguard::policy {

/// A destination's Business Associate Agreement as the decision sees it on one day.
enum class baa_state { none, in_force, expired };

struct baa_record {
    std::string status;  ///< "signed", "pending" or "terminated"
    std::string reference, owner;
    std::optional<calendar_date> signed_on, expires;
    source_mark expires_at;  ///< where `expires` was written
};

/// in_force only for a signed agreement on a day between its signing and expiry dates
/// (both inclusive); anything else that has a record counts as expired: a pending or
/// terminated agreement covers no disclosure.
baa_state state_at(const std::optional<baa_record>& baa, calendar_date today);

std::string_view to_string(baa_state s);
std::optional<baa_state> baa_state_from_string(std::string_view name);

}  // namespace phiguard::policy
