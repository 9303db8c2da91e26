#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace phiguard::policy::decode {

/// Decodes standard or URL-safe base64, padded or not. Returns nothing on a character outside
/// both alphabets or an impossible length.
std::optional<std::string> base64_decode(std::string_view text);
/// The fewest characters (padding aside) a token needs to be worth decoding as base64; callers
/// on hot paths test it before calling looks_base64.
inline constexpr std::size_t base64_min_token = 16;
/// A token worth decoding: base64_min_token+ characters of one base64 alphabet with a
/// plausible length, not all letters (words) or all digits (numbers).
bool looks_base64(std::string_view text) noexcept;
/// True if most of text is printable UTF-8/ASCII, i.e. decoding produced text, not noise.
bool mostly_printable(std::string_view text) noexcept;

}  // namespace phiguard::policy::decode
