#pragma once
#include <string>
#include <vector>

#include "policy/config/diagnostic.hpp"
#include "policy/decision/calendar_date.hpp"
#include "policy/decision/policy_model.hpp"
#include "policy/engine.hpp"

namespace phiguard::policy {

/// What `phiguard check-config` prints: every diagnostic as file:line:column, then a
/// summary (destinations, BAAs in force and expiring, rules, patterns compiled, compile
/// time) and a last line saying OK or how many errors. built is null when compiling
/// failed; the exit status is has_errors(diagnostics).
std::string check_report(const policy_model& model, const std::vector<diagnostic>& diagnostics,
                         const engine* built, double compile_ms, calendar_date today);

}  // namespace phiguard::policy
