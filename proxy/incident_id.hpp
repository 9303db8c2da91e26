#pragma once
#include <string>

namespace phiguard::proxy {

/// A random 128-bit id, as 32 hex digits, that ties a block page a user
/// reports to the one alert line the SOC finds for it. Random rather than
/// sequential so ids from several instances never collide.
std::string new_incident_id();

}  // namespace phiguard::proxy
