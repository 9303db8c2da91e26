#include "policy/decision/action.hpp"

namespace phiguard::policy {

std::string_view to_string(action a) {
    switch (a) {
        case action::alert:
            return "alert";
        case action::block:
            return "block";
        case action::allow:
            break;
    }
    return "allow";
}

std::optional<action> action_from_string(std::string_view name) {
    if (name == "allow") return action::allow;
    if (name == "alert") return action::alert;
    if (name == "block") return action::block;
    return std::nullopt;
}

}  // namespace phiguard::policy
