#pragma once

#include <string>
#include <string_view>

namespace phiguard::policy::decode {

/// True if text holds at least one well-formed %XX escape.
bool has_percent_escape(std::string_view text) noexcept;
/// Undoes one layer of percent-encoding; malformed escapes are kept as they are. With
/// plus_as_space, '+' becomes ' ' (form and query encoding).
std::string percent_decode(std::string_view text, bool plus_as_space);

/// What a decoded value holds (bit flags), noted while decoding so that a caller deciding
/// whether the value needs another layer of decoding does not read it again.
enum value_traits : unsigned char {
    holds_question = 1,  ///< '?': maybe a URL with a query
    holds_equals = 2,    ///< '='
    holds_amp = 4,       ///< '&': with '=', maybe a nested query
    holds_percent = 8,   ///< '%': maybe another layer of escapes
    holds_space = 16,    ///< ' ' (or '+' decoded as one): words, not a token
};
/// Appends the decoding of text to out (same rules), so callers can build one buffer, and
/// returns the value_traits of the decoded bytes.
unsigned char percent_decode_append(std::string_view text, bool plus_as_space, std::string& out);

/// The same decoding into out, which must have room for text.size() + 16 bytes (whole-vector
/// stores); returns the end of what was written and ORs the value_traits into traits. When
/// text lies inside a larger buffer that stays readable up to readable_end (a field inside a
/// whole form body), the decoder may load bytes past text's end, up to there, to work on short
/// fields sixteen bytes at a time; what lies past text's end is never decoded.
char* percent_decode_into(std::string_view text, bool plus_as_space, char* out,
                          unsigned char& traits, const char* readable_end = nullptr);

}  // namespace phiguard::policy::decode
