#pragma once

#ifdef __SSE2__
#include <emmintrin.h>

namespace phiguard::policy {

/// 0xFF in each lane of x that holds a hex digit (0-9, a-f, A-F), 0 in the others: for the
/// SSE2 paths that look for escapes (decode) and for UUIDs (detect).
inline __m128i hex_lanes(__m128i x) noexcept {
    // Unsigned "at most" as min(v, limit) == v: a byte below '0' or 'a' wraps to a large value.
    const __m128i digit = _mm_sub_epi8(x, _mm_set1_epi8('0'));
    const __m128i letter = _mm_sub_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
    return _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(digit, _mm_set1_epi8(9)), digit),
                        _mm_cmpeq_epi8(_mm_min_epu8(letter, _mm_set1_epi8(5)), letter));
}

}  // namespace phiguard::policy

#endif
