#pragma once

#include <string>
#include <string_view>

namespace phiguard::policy::decode {

/// True if text holds at least one well-formed %XX escape.
bool has_percent_escape(std::string_view text) noexcept;
/// Undoes one layer of percent-encoding; malformed escapes are kept as they are. With
/// plus_as_space, '+' becomes ' ' (form and query encoding).
std::string percent_decode(std::string_view text, bool plus_as_space);
/// Appends the decoding of text to out (same rules), so callers can build one buffer.
void percent_decode_append(std::string_view text, bool plus_as_space, std::string& out);

}  // namespace phiguard::policy::decode
