#pragma once

#include <array>
#include <string>
#include <string_view>

namespace phiguard::policy::decode {

/// True if text holds at least one well-formed %XX escape.
bool has_percent_escape(std::string_view text) noexcept;
/// Undoes one layer of percent-encoding; malformed escapes are kept as they are. With
/// plus_as_space, '+' becomes ' ' (form and query encoding).
std::string percent_decode(std::string_view text, bool plus_as_space);
/// A caller's classes of bytes (bit flags), summarised while decoding.
using byte_classes = std::array<unsigned char, 256>;
/// Appends the decoding of text to out (same rules), so callers can build one buffer. Returns
/// the OR of classes[b] over every decoded byte b, so a caller learns what the value holds
/// without a second pass (0 without classes).
unsigned char percent_decode_append(std::string_view text, bool plus_as_space, std::string& out,
                                    const byte_classes* classes = nullptr);

}  // namespace phiguard::policy::decode
