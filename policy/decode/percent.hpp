#pragma once

#include <string>
#include <string_view>

#include "policy/decode/simd.hpp"

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
unsigned char percent_decode_append(std::string_view text, bool plus_as_space, std::string& out,
                                    simd use = simd::best);

/// The same decoding into out, which must have room for text.size() + 16 bytes (whole-vector
/// stores); returns the end of what was written and ORs the value_traits into traits.
char* percent_decode_into(std::string_view text, bool plus_as_space, char* out,
                          unsigned char& traits, simd use = simd::best);

/// One "key=value" field of a form, query or cookie, decoded by the same rules with '+' as
/// space, as far as the first separator byte.
struct form_field {
    const char* raw_end = nullptr;  ///< the separator that ended the field, or the input's end
    char* key_end = nullptr;        ///< where the decoded key ends in out; '=' is written there
    char* end = nullptr;            ///< where the decoded value ends
    unsigned char key_traits = 0;   ///< value_traits of the decoded key
    unsigned char value_traits = 0;
};
/// Decodes the field that starts at s into out as key, '=', value ('=' is written even when
/// the field has none). The first raw '=' ends the key; the field ends at the first byte of
/// seps (one to three bytes, none of them '%', '=', '+', ' ' or a hex digit) or at e, the end
/// of the whole body: the decoder reads up to e, so that short fields are decoded a vector
/// (64 bytes with AVX-512, else 16) at a time, and never decodes past the separator. out needs
/// room for (e - s) + 17.
form_field decode_form_field(const char* s, const char* e, std::string_view seps, char* out,
                             simd use = simd::best);

}  // namespace phiguard::policy::decode
