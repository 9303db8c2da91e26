#include "policy/decode/plain_fields.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "policy/decode/simd.hpp"

#ifdef __SSE2__
#include <immintrin.h>
#endif

namespace phiguard::policy::decode {

#ifdef __SSE2__
namespace {

struct masks {
    std::uint64_t sep = 0, equals = 0, bad = 0, base64 = 0;
};

std::uint64_t bits(__m128i m, int lane) {
    return static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(m))) << (16 * lane);
}

__m128i eq(__m128i v, char c) {
    return _mm_cmpeq_epi8(v, _mm_set1_epi8(c));
}

// lo <= v <= hi for ASCII ranges: bytes of 0x80 and up are negative as signed and fall out.
__m128i in_range(__m128i v, char lo, char hi) {
    return _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8(static_cast<char>(lo - 1))),
                         _mm_cmplt_epi8(v, _mm_set1_epi8(static_cast<char>(hi + 1))));
}

// Classifies 64 bytes and writes them to out with separators turned into '&' and '+' into ' '.
masks classify(const char* in, const char* sep, char* out) {
    masks m;
    for (int lane = 0; lane < 4; ++lane) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 16 * lane));
        const __m128i is_sep =
            _mm_or_si128(_mm_or_si128(eq(v, sep[0]), eq(v, sep[1])), eq(v, sep[2]));
        // '+' is a space in form encoding: the decoder's one change that keeps the length.
        const __m128i is_plus = eq(v, '+');
        const __m128i swap = _mm_or_si128(is_sep, is_plus);
        const __m128i with = _mm_or_si128(_mm_and_si128(is_sep, _mm_set1_epi8('&')),
                                          _mm_and_si128(is_plus, _mm_set1_epi8(' ')));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16 * lane),
                         _mm_or_si128(_mm_andnot_si128(swap, v), with));
        m.sep |= bits(is_sep, lane);
        m.equals |= bits(eq(v, '='), lane);
        // What decodes to more than a byte ('%'), what the flattener may expand ('?' for a
        // URL's query, '{' and '[' for JSON, '&' for a nested query) and what it would skip or
        // change (a space before a field, '&' in a key). Other white space only counts before
        // a '{' or '[', which are here already.
        const __m128i bad = _mm_or_si128(_mm_or_si128(_mm_or_si128(eq(v, '%'), eq(v, '?')),
                                                      _mm_or_si128(eq(v, '{'), eq(v, '['))),
                                         _mm_or_si128(eq(v, '&'), eq(v, ' ')));
        m.bad |= bits(bad, lane);
        // looks_base64's alphabet without '+': letters, digits, '-', '_' and '/'.
        const __m128i alpha =
            _mm_or_si128(_mm_or_si128(in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), 'a', 'z'),
                                      in_range(v, '0', '9')),
                         _mm_or_si128(_mm_or_si128(eq(v, '-'), eq(v, '_')), eq(v, '/')));
        m.base64 |= bits(alpha, lane);
    }
    m.bad &= ~m.sep;
    m.base64 &= ~m.sep;
    return m;
}

#if defined(__GNUC__) && defined(__x86_64__)
// The same with AVX2 or AVX-512, where the CPU has them (the build targets plain x86-64): the
// classes come from two nibble look-ups, a third of the SSE2 version's instructions. Each bit
// of a look-up's answer is a set of bytes whose high nibble is in one set and low nibble in
// another; a byte is in a class if the two look-ups share one of its bits.
//   bad:    0x01 {' ', '%', '&'}  0x02 {'?'}  0x04 {'[', '{'}
//   base64: 0x08 digits  0x10 {A-O, a-o} \ {'@', '`'}  0x20 {P-Z, p-z}  0x40 {'-', '/'}  0x80 {'_'}
alignas(16) constexpr unsigned char by_low[16] = {0x29, 0x38, 0x38, 0x38, 0x38, 0x39, 0x39, 0x38,
                                                  0x38, 0x38, 0x30, 0x14, 0x10, 0x50, 0x10, 0xd2};
alignas(16) constexpr unsigned char by_high[16] = {0, 0, 0x41, 0x0a, 0x10, 0xa4, 0x10, 0x24,
                                                   0, 0, 0,    0,    0,    0,    0,    0};
constexpr unsigned char bad_classes = 0x07, base64_classes = 0xf8;

__m128i table(const unsigned char (&t)[16]) {
    return _mm_load_si128(reinterpret_cast<const __m128i*>(t));
}

__attribute__((target("avx2"), always_inline)) inline masks classify_avx2(const char* in,
                                                                          const char* sep,
                                                                          char* out) {
    const __m256i low_table = _mm256_broadcastsi128_si256(table(by_low));
    const __m256i high_table = _mm256_broadcastsi128_si256(table(by_high));
    const __m256i nibble = _mm256_set1_epi8(0x0f);
    masks m;
    for (int half = 0; half < 2; ++half) {
        const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + 32 * half));
        const __m256i is_sep =
            _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(sep[0])),
                                            _mm256_cmpeq_epi8(v, _mm256_set1_epi8(sep[1]))),
                            _mm256_cmpeq_epi8(v, _mm256_set1_epi8(sep[2])));
        const __m256i is_plus = _mm256_cmpeq_epi8(v, _mm256_set1_epi8('+'));
        __m256i w = _mm256_blendv_epi8(v, _mm256_set1_epi8('&'), is_sep);
        w = _mm256_blendv_epi8(w, _mm256_set1_epi8(' '), is_plus);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 32 * half), w);
        const __m256i cls = _mm256_and_si256(
            _mm256_shuffle_epi8(low_table, _mm256_and_si256(v, nibble)),
            _mm256_shuffle_epi8(high_table, _mm256_and_si256(_mm256_srli_epi16(v, 4), nibble)));
        const __m256i zero = _mm256_setzero_si256();
        // (Not a helper: a lambda would not inherit this function's target.)
        const int shift = 32 * half;
        const auto mask = [](int x) { return std::uint64_t{static_cast<std::uint32_t>(x)}; };
        m.sep |= mask(_mm256_movemask_epi8(is_sep)) << shift;
        m.equals |= mask(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('='))))
                    << shift;
        const __m256i not_bad = _mm256_cmpeq_epi8(
            _mm256_and_si256(cls, _mm256_set1_epi8(static_cast<char>(bad_classes))), zero);
        const __m256i not_b64 = _mm256_cmpeq_epi8(
            _mm256_and_si256(cls, _mm256_set1_epi8(static_cast<char>(base64_classes))), zero);
        m.bad |= mask(~_mm256_movemask_epi8(not_bad)) << shift;
        m.base64 |= mask(~_mm256_movemask_epi8(not_b64)) << shift;
    }
    m.bad &= ~m.sep;
    m.base64 &= ~m.sep;
    return m;
}

// AVX-512: all 64 bytes in one vector, and every class straight into a mask register. (The
// tables are broadcast with a full mask: GCC 12's unmasked broadcast warns of an
// uninitialized source.)
__attribute__((target("avx512f,avx512bw"), always_inline)) inline masks classify_avx512(
    const char* in, const char* sep, char* out) {
    const __m512i v = _mm512_loadu_si512(in);
    const auto is = [&](char c) __attribute__((target("avx512f,avx512bw"), always_inline)) {
        return _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(c));
    };
    masks m;
    m.sep = is(sep[0]) | is(sep[1]) | is(sep[2]);
    m.equals = is('=');
    const __m512i w = _mm512_mask_mov_epi8(v, m.sep, _mm512_set1_epi8('&'));
    _mm512_storeu_si512(out, _mm512_mask_mov_epi8(w, is('+'), _mm512_set1_epi8(' ')));
    const __m512i nibble = _mm512_set1_epi8(0x0f);
    const __m512i cls =
        _mm512_and_si512(_mm512_shuffle_epi8(_mm512_maskz_broadcast_i32x4(0xffff, table(by_low)),
                                             _mm512_and_si512(v, nibble)),
                         _mm512_shuffle_epi8(_mm512_maskz_broadcast_i32x4(0xffff, table(by_high)),
                                             _mm512_and_si512(_mm512_srli_epi16(v, 4), nibble)));
    m.bad = _mm512_test_epi8_mask(cls, _mm512_set1_epi8(bad_classes)) & ~m.sep;
    m.base64 =
        _mm512_test_epi8_mask(cls, _mm512_set1_epi8(static_cast<char>(base64_classes))) & ~m.sep;
    return m;
}

#endif

int highest(std::uint64_t x) {
    return 63 - __builtin_clzll(x);
}

// The fields of a window from its classes, the same for every way of classifying it.
// (Inlined into one function per way, so that the classes stay in registers: a call to the
// classifier returned them through memory.)
__attribute__((always_inline)) inline plain_stretch from_classes(const masks& m) {
    // The last separator in bits 0..61, so that the key start after it (bit + 1) is a bit too.
    const std::uint64_t ends = m.sep & ((std::uint64_t{1} << 62) - 1);
    if (!ends) return {0, false};
    const int last = highest(ends);
    // Each field's key runs from its start to its first '='. Adding a one at every key start
    // to the complement of the '=' mask carries through the key and stops at that '=': the
    // bits that flip are the keys and their '='. A key start that does not flip was reached
    // by the carry of the field before, which therefore had no '=' (or was empty: two
    // separators in a row). The key start after the last separator is added too, so the last
    // field is checked the same way.
    const std::uint64_t starts = ((m.sep << 1) | 1) & ((std::uint64_t{2} << (last + 1)) - 1);
    const std::uint64_t not_equals = ~m.equals;
    const std::uint64_t keys = (not_equals + starts) ^ not_equals;
    const std::uint64_t no_equals = starts & ~keys;
    // Values (the bytes after each key's '=') with 16 base64 characters in a row: bit i of
    // run is set when bytes i..i+15 all are such characters outside a key.
    std::uint64_t run = m.base64 & ~keys;
    run &= run >> 1;
    run &= run >> 2;
    run &= run >> 4;
    run &= run >> 8;
    // The first byte that keeps its field from being plain. A field without '=' is found at
    // the next key start; the separator before that start ends it.
    std::uint64_t trouble = m.bad | run | (no_equals >> 1);
    const std::uint64_t before_last = (std::uint64_t{2} << last) - 1;
    trouble &= before_last;
    if (!trouble) return {static_cast<std::size_t>(last), false};
    const int first = __builtin_ctzll(trouble);
    const std::uint64_t earlier = m.sep & ((std::uint64_t{1} << first) - 1);
    if (!earlier) return {0, true};
    const auto length = static_cast<std::size_t>(highest(earlier));
    return {length, true};
}

// A short input's end ends the last field as a separator would, and what the window holds past
// it (zero bytes of a padded copy, or the caller's next bytes) is in no class.
__attribute__((always_inline)) inline void end_at(masks& m, std::size_t avail) {
    if (avail >= 64) return;
    const std::uint64_t inside = (std::uint64_t{1} << avail) - 1;
    m.sep = (m.sep & inside) | (std::uint64_t{1} << avail);
    m.equals &= inside;
    m.bad &= inside;
    m.base64 &= inside;
}

// One per way: in holds 64 readable bytes, of which the first avail are the input's.
plain_stretch stretch_sse2(const char* in, std::size_t avail, const char* sep, char* out) {
    masks m = classify(in, sep, out);
    end_at(m, avail);
    return from_classes(m);
}

#if defined(__GNUC__) && defined(__x86_64__)
__attribute__((target("avx2"))) plain_stretch stretch_avx2(const char* in, std::size_t avail,
                                                           const char* sep, char* out) {
    masks m = classify_avx2(in, sep, out);
    end_at(m, avail);
    return from_classes(m);
}

__attribute__((target("avx512f,avx512bw"))) plain_stretch stretch_avx512(const char* in,
                                                                         std::size_t avail,
                                                                         const char* sep,
                                                                         char* out) {
    masks m = classify_avx512(in, sep, out);
    end_at(m, avail);
    return from_classes(m);
}
#endif

plain_stretch stretch_best(const char* in, std::size_t avail, std::string_view seps, char* out,
                           simd use) {
    char sep[3];
    for (std::size_t k = 0; k < 3; ++k) sep[k] = seps[k < seps.size() ? k : seps.size() - 1];
#if defined(__GNUC__) && defined(__x86_64__)
    if (use_avx512(use)) return stretch_avx512(in, avail, sep, out);
    if (use_avx2(use)) return stretch_avx2(in, avail, sep, out);
#endif
    return stretch_sse2(in, avail, sep, out);
}

}  // namespace

plain_stretch plain_fields(const char* s, const char* e, std::string_view seps, char* out,
                           simd use) noexcept {
    const auto avail = static_cast<std::size_t>(e - s);
    if (avail >= 64) return stretch_best(s, 64, seps, out, use);
    // A short input is read from a copy padded with zero bytes.
    char padded[64] = {};
    std::memcpy(padded, s, avail);
    return stretch_best(padded, avail, seps, out, use);
}

plain_stretch plain_fields_readable(const char* s, const char* e, std::string_view seps, char* out,
                                    simd use) noexcept {
    return stretch_best(s, std::min<std::size_t>(static_cast<std::size_t>(e - s), 64), seps, out,
                        use);
}

bool escape_first(const char* s, const char* e, std::string_view seps) noexcept {
    if (e - s < 16 || seps.empty()) return false;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
    const auto percent = static_cast<unsigned>(_mm_movemask_epi8(eq(v, '%')));
    if (!percent) return false;
    __m128i is_sep = _mm_setzero_si128();
    for (char c : seps) is_sep = _mm_or_si128(is_sep, eq(v, c));
    const auto sep = static_cast<unsigned>(_mm_movemask_epi8(is_sep));
    return !sep || __builtin_ctz(percent) < __builtin_ctz(sep);
}

#else

plain_stretch plain_fields(const char*, const char*, std::string_view, char*, simd) noexcept {
    return {0, false};  // every field takes decode_form_field's way
}

plain_stretch plain_fields_readable(const char*, const char*, std::string_view, char*,
                                    simd) noexcept {
    return {0, false};
}

bool escape_first(const char*, const char*, std::string_view) noexcept {
    return false;
}

#endif

}  // namespace phiguard::policy::decode
