#include "proxy/version.hpp"

namespace phiguard::proxy {
std::string_view version() {
    return PHIGUARD_VERSION;
}
}  // namespace phiguard::proxy
