#pragma once

#include <string>
#include <string_view>

namespace phiguard::policy::detect {

/// A redacted hint for a matched value: first and last letter kept, everything else starred,
/// digits always starred, plus the length: "diabetes" -> "d******s, 8 chars". Never the value.
std::string redact(std::string_view value);

}  // namespace phiguard::policy::detect
