#pragma once
#include <string>

#include "policy/decision/verdict.hpp"

namespace phiguard::proxy {

/// The text of the 403 a blocked request gets: the rule, why, and the
/// incident id the SOC will find in the alert log. It never repeats what was
/// found (that would echo PHI back into browser caches and screenshots).
std::string block_page_text(const policy::verdict& v, const std::string& destination,
                            const std::string& incident_id);

}  // namespace phiguard::proxy
