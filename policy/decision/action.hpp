#pragma once
#include <optional>
#include <string_view>

namespace phiguard::policy {

enum class action { allow, alert, block };

std::string_view to_string(action a);
std::optional<action> action_from_string(std::string_view name);

}  // namespace phiguard::policy
