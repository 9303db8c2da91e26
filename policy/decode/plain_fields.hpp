#pragma once

#include <cstddef>
#include <string_view>

#include "policy/decode/simd.hpp"

namespace phiguard::policy::decode {

/// Whole form fields at the start of a 64-byte window that decode to themselves, found
/// without visiting them one by one.
struct plain_stretch {
    std::size_t length = 0;  ///< raw bytes of those fields, up to (not including) a separator
    bool stopped = false;    ///< true if the field right after them is not plain
};

/// Reads at most 64 bytes from s (fewer if e comes first; the end of the input then ends a
/// field like a separator) and finds the longest run of whole fields, from s, that
/// decode_form_field decodes to the same length and the flattener would not expand: each with
/// a raw '=', none holding '%', '?', '{', '[', '&' (unless a separator) or a space, no empty
/// field, and no value with 16 base64 characters in a row. Writes their decoding to out:
/// every separator turned into '&' and '+' into ' ' (out needs 64 bytes of room). s must not
/// start with a separator or a space. seps: one to three bytes, as for decode_form_field.
plain_stretch plain_fields(const char* s, const char* e, std::string_view seps, char* out,
                           simd use = simd::best) noexcept;

/// The same for an input that ends at e but sits in a buffer that goes on: all 64 bytes from s
/// are read (what lies past e counts for nothing), so a short input needs no padded copy.
/// out may be s: the fields are then decoded in place (the window is read before written).
plain_stretch plain_fields_readable(const char* s, const char* e, std::string_view seps, char* out,
                                    simd use = simd::best) noexcept;

/// True if the field at s has a '%' in its first 16 bytes, before any separator: a field
/// plain_fields would stop at. Sixteen bytes are read; false if e is nearer than that.
bool escape_first(const char* s, const char* e, std::string_view seps) noexcept;

}  // namespace phiguard::policy::decode
