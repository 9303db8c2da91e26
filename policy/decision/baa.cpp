#include "policy/decision/baa.hpp"

namespace phiguard::policy {

baa_state state_at(const std::optional<baa_record>& baa, calendar_date today) {
    if (!baa) return baa_state::none;
    if (baa->status != "signed") return baa_state::expired;
    if (baa->expires && today > *baa->expires) return baa_state::expired;
    if (baa->signed_on && today < *baa->signed_on) return baa_state::expired;
    return baa_state::in_force;
}

std::string_view to_string(baa_state s) {
    switch (s) {
        case baa_state::in_force:
            return "in_force";
        case baa_state::expired:
            return "expired";
        case baa_state::none:
            break;
    }
    return "none";
}

std::optional<baa_state> baa_state_from_string(std::string_view name) {
    if (name == "none") return baa_state::none;
    if (name == "in_force") return baa_state::in_force;
    if (name == "expired") return baa_state::expired;
    return std::nullopt;
}

}  // namespace phiguard::policy
