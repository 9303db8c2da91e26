#include "policy/decode/percent_wide.hpp"

#include <cstdint>

#include "policy/decode/percent.hpp"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define PHIGUARD_WIDE 1
#endif

namespace phiguard::policy::decode::wide {

#ifdef PHIGUARD_WIDE

namespace {

#define PHIGUARD_WIDE_TARGET __attribute__((target("avx512f,avx512bw,avx512vbmi,avx512vbmi2,bmi2")))

using mask = std::uint64_t;

// (Inlined into decode: called, they passed each vector through the stack, and traits alone
// was 7 % of a GA4 scan.)
#define PHIGUARD_WIDE_INLINE PHIGUARD_WIDE_TARGET __attribute__((always_inline)) inline

PHIGUARD_WIDE_INLINE mask is(__m512i v, char c) {
    return _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(c));
}

// The lanes of a decoded block holding each byte that value_traits note.
struct marks {
    mask space, question, equals, amp, percent;
};

PHIGUARD_WIDE_INLINE marks marks_of(__m512i v) {
    return {is(v, ' '), is(v, '?'), is(v, '='), is(v, '&'), is(v, '%')};
}

// The value_traits of the lanes in range.
PHIGUARD_WIDE_INLINE unsigned char traits(const marks& m, mask range) {
    return static_cast<unsigned char>(
        ((m.space & range) ? holds_space : 0) | ((m.question & range) ? holds_question : 0) |
        ((m.equals & range) ? holds_equals : 0) | ((m.amp & range) ? holds_amp : 0) |
        ((m.percent & range) ? holds_percent : 0));
}

// Lanes holding a hex digit (0-9, a-f, A-F).
PHIGUARD_WIDE_INLINE mask hex_digits(__m512i raw) {
    const __m512i digit = _mm512_sub_epi8(raw, _mm512_set1_epi8('0'));
    const __m512i letter =
        _mm512_sub_epi8(_mm512_or_si512(raw, _mm512_set1_epi8(0x20)), _mm512_set1_epi8('a'));
    return _mm512_cmple_epu8_mask(digit, _mm512_set1_epi8(9)) |
           _mm512_cmple_epu8_mask(letter, _mm512_set1_epi8(5));
}

// The byte each escape at `at` stands for, in its '%' lane: a hex digit's value is its low
// nibble, plus 9 for a letter; the two digits are fetched from the next two lanes.
PHIGUARD_WIDE_INLINE __m512i escaped_bytes(__m512i raw, mask at) {
    const __m512i nibble =
        _mm512_mask_add_epi8(_mm512_and_si512(raw, _mm512_set1_epi8(0x0F)),
                             _mm512_cmpgt_epi8_mask(raw, _mm512_set1_epi8('@')),
                             _mm512_and_si512(raw, _mm512_set1_epi8(0x0F)), _mm512_set1_epi8(9));
    const __m512i lanes = _mm512_set_epi8(
        63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41,
        40, 39, 38, 37, 36, 35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18,
        17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0);
    const __m512i high = _mm512_maskz_permutexvar_epi8(
        at, _mm512_add_epi8(lanes, _mm512_set1_epi8(1)), _mm512_slli_epi16(nibble, 4));
    const __m512i low =
        _mm512_maskz_permutexvar_epi8(at, _mm512_add_epi8(lanes, _mm512_set1_epi8(2)), nibble);
    // (The shift above carried nibbles into their neighbours' high half: masked off here.)
    return _mm512_or_si512(_mm512_and_si512(high, _mm512_set1_epi8(static_cast<char>(0xF0))), low);
}

}  // namespace

PHIGUARD_WIDE_TARGET void decode(cursor& c, const char* const e, const std::array<char, 3>& sep,
                                 bool fields, bool plus_as_space) noexcept {
    // A URL escapes every third or fourth byte: the sixteen-byte decoder spends most of a GA4
    // dl= value leaving its vector at escapes cut by the vector's end and moving lanes down
    // one escape at a time. Here one compress drops every escape's digits at once, and a
    // block ends only at the field's separator or at a '%' in its last two lanes.
    const char* s = c.s;
    char* d = c.d;
    while (e - s >= 64) {
        const __m512i raw = _mm512_loadu_si512(s);
        const mask plus = plus_as_space ? is(raw, '+') : 0;
        __m512i v = _mm512_mask_mov_epi8(raw, plus, _mm512_set1_epi8(' '));
        const mask percents = is(raw, '%');
        const mask seps = fields ? is(raw, sep[0]) | is(raw, sep[1]) | is(raw, sep[2]) : 0;
        // A block ends before a separator, or before a '%' whose digits are past the vector:
        // the next block starts at that '%'.
        const mask cut = seps | (percents & (mask{3} << 62));
        const int n = cut ? __builtin_ctzll(cut) : 64;
        const mask block = n == 64 ? ~mask{0} : (mask{1} << n) - 1;
        // Escape digits are hex, and no separator is: an escape never spans the block's end.
        const mask hex = hex_digits(raw);
        const mask at = percents & (hex >> 1) & (hex >> 2) & block;
        if (at) v = _mm512_mask_mov_epi8(v, at, escaped_bytes(raw, at));
        const mask keep = block & ~((at << 1) | (at << 2));
        // The key ends at its first raw '=', which stays in the output as the '=' after it.
        const marks m = marks_of(v);
        mask key = 0, equals = 0;
        if (c.in_key) {
            const mask all = is(raw, '=') & block;
            equals = all & -all;
            key = equals ? equals - 1 : block;
            if (equals) {
                c.key_end = d + __builtin_popcountll(keep & key);
                c.in_key = false;
            }
            c.key_traits |= traits(m, key & keep);
        }
        c.value_traits |= traits(m, keep & ~key & ~equals);
        _mm512_storeu_si512(d, _mm512_maskz_compress_epi8(keep, v));
        d += __builtin_popcountll(keep);
        s += n;
        if (n < 64 && (seps >> n & 1)) {
            c.raw_end = s;
            break;
        }
    }
    c.s = s;
    c.d = d;
}

#else

void decode(cursor&, const char*, const std::array<char, 3>&, bool, bool) noexcept {}

#endif

}  // namespace phiguard::policy::decode::wide
