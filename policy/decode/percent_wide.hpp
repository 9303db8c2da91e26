#pragma once

// The 64-byte percent decoder (AVX-512 with VBMI2), which decode_form_field and
// percent_decode_into run first where the CPU has it; they finish the last bytes themselves.

#include <array>

namespace phiguard::policy::decode::wide {

/// Where a field's decoding stands; the 64-byte and the sixteen-byte loops hand it on.
struct cursor {
    const char* s;                  ///< the next raw byte
    char* d;                        ///< where the next decoded byte goes
    bool in_key;                    ///< before the key's '=' (fields only)
    char* key_end = nullptr;        ///< set where the key ended
    const char* raw_end = nullptr;  ///< set at the separator that ended the field
    unsigned char key_traits = 0;
    unsigned char value_traits = 0;
};

/// Decodes from c.s, 64 bytes at a time, while 64 are left before e and the field has not
/// ended: '+' as space if asked, escapes, and, with fields, the key's first '=' (writing '='
/// after the key) and the first byte of sep (which ends the field). Stores whole 64-byte
/// vectors at c.d, never past where (e - s) bytes of room would end. Only where has_avx512()
/// (simd.hpp).
void decode(cursor& c, const char* e, const std::array<char, 3>& sep, bool fields,
            bool plus_as_space) noexcept;

}  // namespace phiguard::policy::decode::wide
