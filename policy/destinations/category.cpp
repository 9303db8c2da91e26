#include "policy/destinations/category.hpp"

#include <array>
#include <utility>

namespace phiguard::policy {

namespace {

constexpr std::array<std::pair<category, std::string_view>, 7> names{{
    {category::advertising, "advertising"},
    {category::analytics, "analytics"},
    {category::social, "social"},
    {category::session_replay, "session_replay"},
    {category::tag_manager, "tag_manager"},
    {category::cdp, "cdp"},
    {category::other, "other"},
}};

}  // namespace

std::string_view to_string(category c) {
    for (const auto& [value, name] : names) {
        if (value == c) return name;
    }
    return "other";
}

std::optional<category> category_from_string(std::string_view name) {
    for (const auto& [value, text] : names) {
        if (text == name) return value;
    }
    if (name == "site_analytics") return category::analytics;
    if (name == "social_media") return category::social;
    return std::nullopt;
}

}  // namespace phiguard::policy
