#pragma once
#include <vector>

#include "policy/config/diagnostic.hpp"
#include "policy/decision/calendar_date.hpp"
#include "policy/decision/policy_model.hpp"
#include "policy/destinations/destination_catalog.hpp"

namespace phiguard::policy {

/// Checks that need the compiled catalogue or today's date, run after reading: a
/// destination both tracker and BAA vendor (error), BAAs expiring within 30 days or
/// already expired (warnings at their `expires` key).
std::vector<diagnostic> validate_policy(const policy_model& model,
                                        const destination_catalog& catalog, calendar_date today);

/// Days before expiry from which a BAA is reported.
inline constexpr long baa_warning_days = 30;

}  // namespace phiguard::policy
