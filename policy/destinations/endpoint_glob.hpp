#pragma once

#include <string_view>

namespace phiguard::policy {

// Matches a request path against a catalogue endpoint path such as "/tr" or
// "/*/events": `*` spans any characters except `?`, letters compare without
// case, and the glob must end on a path boundary (end, `/`, `?`, `;`, `&`, `#`),
// so "/tr" matches "/tr/?id=1" but not "/track".
bool endpoint_glob_matches(std::string_view glob, std::string_view path);

}  // namespace phiguard::policy
