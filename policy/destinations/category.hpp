#pragma once

#include <optional>
#include <string_view>

namespace phiguard::policy {

// What a destination does with the data it receives; the decision table keys on it.
enum class category { advertising, analytics, social, session_replay, tag_manager, cdp, other };

std::string_view to_string(category c);

// Accepts the names to_string() prints, plus the Ghostery trackerdb spellings
// (`site_analytics`, `social_media`) so list metadata maps without a table of its own.
std::optional<category> category_from_string(std::string_view name);

}  // namespace phiguard::policy
