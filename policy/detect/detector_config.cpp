#include "policy/detect/detector_config.hpp"

#include <algorithm>

namespace phiguard::policy {

bool detector_config::enabled(const std::string& detector) const {
    return std::find(disabled.begin(), disabled.end(), detector) == disabled.end();
}

}  // namespace phiguard::policy
