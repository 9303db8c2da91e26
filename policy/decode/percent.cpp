#include "policy/decode/percent.hpp"

#include <algorithm>
#include <array>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "policy/decode/percent_wide.hpp"
#include "policy/hex_lanes.hpp"

namespace phiguard::policy::decode {
namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

constexpr std::array<unsigned char, 256> make_traits() {
    std::array<unsigned char, 256> t{};
    t[' '] = holds_space;
    t['?'] |= holds_question;
    t['='] |= holds_equals;
    t['&'] |= holds_amp;
    t['%'] |= holds_percent;
    return t;
}
constexpr auto traits_of = make_traits();

// At a '%' in [s, e): writes the byte of a well-formed %XX escape, or the '%' itself when the
// escape is malformed or cut short, and returns how many input bytes that took.
std::size_t take_percent(const char* s, const char* e, char*& d, unsigned char& seen) noexcept {
    if (e - s > 2) {
        const int hi = hex_value(s[1]);
        const int lo = hex_value(s[2]);
        if (hi >= 0 && lo >= 0) {
            const auto b = static_cast<unsigned char>(hi * 16 + lo);
            seen |= traits_of[b];
            *d++ = static_cast<char>(b);
            return 3;
        }
    }
    seen |= traits_of['%'];
    *d++ = '%';
    return 1;
}

#ifdef __SSE2__
// 16 lanes of 0xFF then 16 of 0: loaded from 16 - k, the first k lanes are set.
alignas(16) constexpr unsigned char first_set[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
__m128i first_lanes(int k) noexcept {
    return _mm_loadu_si128(reinterpret_cast<const __m128i*>(first_set + 16 - k));
}

// The lanes of raw where a well-formed %XX escape starts (the last two never: their digits
// are past the vector). is_percent: raw == '%' in each lane.
__m128i escape_lanes(__m128i raw, __m128i is_percent) noexcept {
    const __m128i hex = hex_lanes(raw);
    return _mm_and_si128(is_percent, _mm_and_si128(_mm_srli_si128(hex, 1), _mm_srli_si128(hex, 2)));
}

// v with the byte of each escape written at its '%' lane (at: escape_lanes); its digits stay.
__m128i decode_escapes(__m128i raw, __m128i v, __m128i at) noexcept {
    // A hex digit's value: its low nibble, plus 9 for a letter.
    const __m128i nibble =
        _mm_add_epi8(_mm_and_si128(raw, _mm_set1_epi8(0x0F)),
                     _mm_and_si128(_mm_cmpgt_epi8(raw, _mm_set1_epi8('@')), _mm_set1_epi8(9)));
    const __m128i byte = _mm_or_si128(
        _mm_and_si128(_mm_slli_epi16(_mm_srli_si128(nibble, 1), 4), _mm_set1_epi8(-16)),
        _mm_srli_si128(nibble, 2));
    return _mm_or_si128(_mm_andnot_si128(at, v), _mm_and_si128(at, byte));
}

// v with the two digits after each escape's byte taken out, the lanes after them moved down;
// dropped: how many lanes that took out.
__m128i drop_escape_tails(__m128i v, unsigned escapes, int& dropped) noexcept {
    // From the last escape down, so the lanes of the ones below have not moved yet.
    for (unsigned left = escapes; left;) {
        const int i = 31 - __builtin_clz(left);
        left &= ~(1u << i);
        const __m128i keep = first_lanes(i + 1);
        v = _mm_or_si128(_mm_and_si128(keep, v), _mm_andnot_si128(keep, _mm_srli_si128(v, 2)));
        dropped += 2;
    }
    return v;
}

char lane(__m128i v, int i) noexcept {
    alignas(16) char lanes[16];
    _mm_store_si128(reinterpret_cast<__m128i*>(lanes), v);
    return lanes[i];
}
#endif

}  // namespace

bool has_percent_escape(std::string_view text) noexcept {
    for (std::size_t i = 0; i + 2 < text.size(); ++i) {
        const void* p = std::memchr(text.data() + i, '%', text.size() - i - 2);
        if (!p) return false;
        i = static_cast<std::size_t>(static_cast<const char*>(p) - text.data());
        if (hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0) return true;
    }
    return false;
}

namespace {

// The one decoder behind percent_decode_into and decode_form_field. With Fields it stops at a
// separator and ends the key at the first raw '='; without, it decodes [s, e) whole into the
// value's traits.
template <bool Fields>
form_field decode(const char* s, const char* const e, std::string_view seps, bool plus_as_space,
                  char* d, simd use) {
    form_field f;
    unsigned char key_traits = 0, value_traits = 0;
    unsigned char* seen = Fields ? &key_traits : &value_traits;
    bool in_key = Fields;
    // Up to three separators; a missing one repeats the first, so it costs nothing extra.
    std::array<char, 3> sep{};
    for (std::size_t k = 0; k < sep.size() && !seps.empty(); ++k)
        sep[k] = seps[std::min(k, seps.size() - 1)];
    auto end_key = [&] {
        f.key_end = d;
        *d++ = '=';
        in_key = false;
        seen = &value_traits;
    };
    // 64 bytes at a time first, where the CPU can: the loops below finish the last bytes.
    if (use_avx512(use)) {
        wide::cursor c{s, d, in_key};
        wide::decode(c, e, sep, Fields, plus_as_space);
        s = c.s;
        d = c.d;
        key_traits = c.key_traits;  // (nothing was noted before this)
        value_traits = c.value_traits;
        f.raw_end = c.raw_end;
        if (in_key && !c.in_key) {
            f.key_end = c.key_end;
            in_key = false;
            seen = &value_traits;
        }
    }
#ifdef __SSE2__
    // Sixteen bytes at a time: '+' becomes ' ' with a blend, escapes are decoded in the
    // vector, and only a separator, the key's '=' or an escape cut by the vector's end leave
    // the vector path. Form fields are words joined by '+', so a loop that stopped at
    // every '+' ran at a byte per cycle, and finding the separator, the '=' and then decoding
    // key and value took four passes where this takes one. The 16-byte store may write past
    // the decoded bytes, never past the caller's room of (e - s) + 16: decoding never grows,
    // so d - out <= s - start.
    const __m128i plus = _mm_set1_epi8('+');
    const __m128i plus_on = plus_as_space ? _mm_set1_epi8(-1) : _mm_setzero_si128();
    const __m128i space = _mm_set1_epi8(' ');
    const __m128i percent = _mm_set1_epi8('%');
    const __m128i equals = _mm_set1_epi8('=');
    const __m128i sep0 = _mm_set1_epi8(sep[0]), sep1 = _mm_set1_epi8(sep[1]),
                  sep2 = _mm_set1_epi8(sep[2]);
    while (!f.raw_end && e - s >= 16) {
        const __m128i raw = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
        const __m128i is_plus = _mm_and_si128(_mm_cmpeq_epi8(raw, plus), plus_on);
        __m128i v = _mm_or_si128(_mm_andnot_si128(is_plus, raw), _mm_and_si128(is_plus, space));
        const __m128i is_percent = _mm_cmpeq_epi8(raw, percent);
        const auto percents = static_cast<unsigned>(_mm_movemask_epi8(is_percent));
        unsigned stops = 0;
        if constexpr (Fields) {
            stops = static_cast<unsigned>(_mm_movemask_epi8(
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(raw, sep0), _mm_cmpeq_epi8(raw, sep1)),
                             _mm_cmpeq_epi8(raw, sep2))));
            if (in_key)
                stops |= static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(raw, equals)));
        }
        // The block is the bytes before the first stop, and before a '%' in the last two lanes,
        // whose escape would reach past the vector: that one is decoded byte by byte below.
        // Most vectors hold neither stop nor '%': a branch for them, so the next load does not
        // wait for the masks (computing the block's length for every vector made fields
        // without escapes 12 % slower).
        int n = 16;
        unsigned escapes = 0;
        if (stops | percents) {
            n = __builtin_ctz(stops | (percents & 0xC000u) | 0x10000u);
            // Escapes in the block are decoded together: a URL escapes every third or fourth
            // byte ("https%3A%2F%2F"), and leaving the vector path at each cost more than the
            // rest of the field.
            if (percents & ((1u << n) - 1)) {
                const __m128i at = _mm_and_si128(escape_lanes(raw, is_percent), first_lanes(n));
                escapes = static_cast<unsigned>(_mm_movemask_epi8(at));
                if (escapes) v = decode_escapes(raw, v, at);
            }
        }
        const unsigned block = (1u << n) - 1;
        // '?', '=', '&' and '%' are rare in values: one test for all four, then each. (Over
        // the whole block: the digits of an escape, still in v, are none of these.)
        const unsigned marks =
            static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('?')), _mm_cmpeq_epi8(v, equals)),
                _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('&')), _mm_cmpeq_epi8(v, percent))))) &
            block;
        for (unsigned m = marks; m; m &= m - 1)
            *seen |= traits_of[static_cast<unsigned char>(lane(v, __builtin_ctz(m)))];
        if (static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, space))) & block)
            *seen |= holds_space;
        int dropped = 0;
        if (escapes) v = drop_escape_tails(v, escapes, dropped);
        _mm_storeu_si128(reinterpret_cast<__m128i*>(d), v);
        s += n;
        d += n - dropped;
        if (n == 16) continue;
        if (*s == '%') {
            s += take_percent(s, e, d, *seen);
        } else if (Fields && in_key && *s == '=') {
            ++s;
            end_key();
        } else {
            f.raw_end = s;  // a separator
            break;
        }
    }
#endif
    // The tail, and every byte where SSE2 is not available.
    while (!f.raw_end && s < e) {
        const char c = *s;
        if constexpr (Fields) {
            if (c == sep[0] || c == sep[1] || c == sep[2]) {
                f.raw_end = s;
                break;
            }
            if (in_key && c == '=') {
                ++s;
                end_key();
                continue;
            }
        }
        if (c == '+' && plus_as_space) {
            *seen |= traits_of[' '];
            *d++ = ' ';
            ++s;
            continue;
        }
        if (c == '%') {
            s += take_percent(s, e, d, *seen);
            continue;
        }
        *seen |= traits_of[static_cast<unsigned char>(c)];
        *d++ = c;
        ++s;
    }
    if (!f.raw_end) f.raw_end = e;
    if (in_key) end_key();
    f.end = d;
    f.key_traits = key_traits;
    f.value_traits = value_traits;
    return f;
}

}  // namespace

char* percent_decode_into(std::string_view text, bool plus_as_space, char* out,
                          unsigned char& traits, simd use) {
    const form_field f =
        decode<false>(text.data(), text.data() + text.size(), {}, plus_as_space, out, use);
    traits |= f.value_traits;
    return f.end;
}

form_field decode_form_field(const char* s, const char* e, std::string_view seps, char* out,
                             simd use) {
    return decode<true>(s, e, seps, true, out, use);
}

unsigned char percent_decode_append(std::string_view text, bool plus_as_space, std::string& out,
                                    simd use) {
    // Decoding never grows the text: room is made once and bytes are written in place.
    const std::size_t start = out.size();
    out.resize(start + text.size() + 16);
    unsigned char traits = 0;
    char* const end = percent_decode_into(text, plus_as_space, out.data() + start, traits, use);
    out.resize(static_cast<std::size_t>(end - out.data()));
    return traits;
}

std::string percent_decode(std::string_view text, bool plus_as_space) {
    std::string out;
    percent_decode_append(text, plus_as_space, out);
    return out;
}

}  // namespace phiguard::policy::decode
