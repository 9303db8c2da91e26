#include "policy/detect/shapes.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "policy/detect/checks.hpp"
#include "policy/detect/context.hpp"
#include "policy/detect/hint.hpp"
#include "policy/hex_lanes.hpp"

namespace phiguard::policy::detect {
namespace {

// One table look-up per byte: the byte loops below run over every digit-bearing word of a
// body, and a chain of range compares per byte cost more than the load.
enum : unsigned char { digit_bit = 1, alpha_bit = 2, hex_bit = 4 };
constexpr std::array<unsigned char, 256> make_char_classes() {
    std::array<unsigned char, 256> t{};
    for (int c = '0'; c <= '9'; ++c) t[static_cast<std::size_t>(c)] = digit_bit | hex_bit;
    for (int c = 'a'; c <= 'z'; ++c) {
        const unsigned char hex = c <= 'f' ? hex_bit : 0;
        t[static_cast<std::size_t>(c)] = alpha_bit | hex;
        t[static_cast<std::size_t>(c - 'a' + 'A')] = alpha_bit | hex;
    }
    return t;
}
constexpr auto char_classes = make_char_classes();

bool is_digit(char c) noexcept {
    return char_classes[static_cast<unsigned char>(c)] & digit_bit;
}
bool is_alpha(char c) noexcept {
    return char_classes[static_cast<unsigned char>(c)] & alpha_bit;
}
bool is_alnum(char c) noexcept {
    return char_classes[static_cast<unsigned char>(c)] & (digit_bit | alpha_bit);
}
bool is_hex(char c) noexcept {
    return char_classes[static_cast<unsigned char>(c)] & hex_bit;
}

std::size_t next_digit(std::string_view t, std::size_t i) noexcept {
#ifdef __SSE2__
    const __m128i zero = _mm_set1_epi8('0');
    const __m128i nine = _mm_set1_epi8(9);
    while (i + 16 <= t.size()) {
        const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + i));
        const __m128i x = _mm_sub_epi8(v, zero);
        const __m128i le9 = _mm_cmpeq_epi8(_mm_min_epu8(x, nine), x);
        const int mask = _mm_movemask_epi8(le9);
        if (mask) return i + static_cast<std::size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
        i += 16;
    }
#endif
    while (i < t.size() && !is_digit(t[i])) ++i;
    return i;
}

// A number's digit groups as one value, five bits a group (a number has at most 19 digits)
// and the count on top: comparing groupings is one compare, not a memcmp call (1 % of the
// JSON scan).
constexpr std::uint64_t grouping(const std::size_t* g, std::size_t n) noexcept {
    std::uint64_t key = n;
    for (std::size_t k = 0; k < n; ++k) key = key << 5 | g[k];
    return key;
}
constexpr std::uint64_t grouping(std::initializer_list<std::size_t> g) noexcept {
    return grouping(g.begin(), g.size());
}

// The groupings of digits that a card, an NPI or a phone may have without a '+' or '(' in
// front (4-4-4-4, 415-555-0134, ...); any other grouping of a number is none of them.
bool shaped_grouping(std::uint64_t key) noexcept {
    return key == grouping({4, 4, 4, 4}) || key == grouping({4, 6, 5}) ||
           key == grouping({4, 6, 4}) || key == grouping({4, 4, 4, 4, 3}) ||
           key == grouping({4, 3, 3}) || key == grouping({3, 3, 4}) ||
           key == grouping({1, 3, 3, 4});
}

// Whether the 36 bytes at p are a UUID's 8-4-4-4-12 hex digits and dashes.
bool uuid_at(const char* p) noexcept {
    constexpr std::uint64_t dashes = (std::uint64_t{1} << 8) | (std::uint64_t{1} << 13) |
                                     (std::uint64_t{1} << 18) | (std::uint64_t{1} << 23);
#ifdef __SSE2__
    // Three 16-byte classifications instead of 36 look-ups and branches: events carry several
    // UUIDs each (message, anonymous and session ids).
    constexpr std::uint64_t all = (std::uint64_t{1} << 36) - 1;
    alignas(16) std::array<char, 48> buf{};
    std::memcpy(buf.data(), p, 36);
    std::uint64_t hex = 0, dash = 0;
    for (int k = 0; k < 3; ++k) {
        const __m128i x = _mm_load_si128(reinterpret_cast<const __m128i*>(buf.data() + 16 * k));
        hex |= static_cast<std::uint64_t>(static_cast<unsigned>(_mm_movemask_epi8(hex_lanes(x))))
               << (16 * k);
        dash |= static_cast<std::uint64_t>(
                    static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')))))
                << (16 * k);
    }
    return (dash & all) == dashes && (hex & all) == (all & ~dashes);
#else
    for (std::size_t k = 0; k < 36; ++k)
        if ((dashes >> k & 1) ? p[k] != '-' : !is_hex(p[k])) return false;
    return true;
#endif
}

class shape_scanner {
public:
    shape_scanner(std::string_view t, const shape_options& o, const context_index& c,
                  std::vector<candidate>& out)
        : t_(t), o_(o), ctx_(c), out_(out) {}

    void run() {
        std::size_t i = 0;
        while ((i = next_digit(t_, i)) < t_.size()) {
            if (const std::size_t e = uuid_end(i)) {
                i = e;
                continue;
            }
            std::size_t end = i;
            if (i > 0 && is_alnum(t_[i - 1]))
                end = mid_word(i);
            else
                end = token(i);
            // Then past the rest of the word. Where the shape ended on a word's edge, the word
            // cannot reach beyond it, and reading it again byte by byte is not needed.
            if (end > i && right_boundary(end)) {
                i = end;
                continue;
            }
            std::size_t run = i;
            while (run < t_.size() && is_alnum(t_[run])) ++run;
            i = std::max({end, run, i + 1});
        }
    }

private:
    // Where the UUID (8-4-4-4-12 hex digits) whose first group holds i ends, or 0. Analytics
    // events carry several (message, anonymous and session ids), each five digit-bearing
    // words to the scanner, and no shape fits inside one: the groups are hex of fixed length.
    std::size_t uuid_end(std::size_t i) const noexcept {
        std::size_t b = i;
        while (b > 0 && i - b < 8 && is_hex(t_[b - 1])) --b;
        if (b + 36 > t_.size() || t_[b + 8] != '-' || (b > 0 && is_alnum(t_[b - 1]))) return 0;
        if (!uuid_at(t_.data() + b)) return 0;
        return right_boundary(b + 36) ? b + 36 : 0;
    }

    char at(std::size_t i) const noexcept { return i < t_.size() ? t_[i] : '\0'; }
    bool right_boundary(std::size_t e) const noexcept { return e >= t_.size() || !is_alnum(t_[e]); }
    std::size_t digits(std::size_t i) const noexcept {
        std::size_t n = 0;
        while (i + n < t_.size() && is_digit(t_[i + n])) ++n;
        return n;
    }

    // Groups are a few digits: one 16-byte store where the text allows it, not a memmove call
    // per group (12 % of the JSON body's shape pass). dst has 16 bytes of room.
    void copy_group(char* dst, std::size_t from, std::size_t n) const noexcept {
#ifdef __SSE2__
        if (n <= 16 && from + 16 <= t_.size()) {
            _mm_storeu_si128(reinterpret_cast<__m128i*>(dst),
                             _mm_loadu_si128(reinterpret_cast<const __m128i*>(t_.data() + from)));
            return;
        }
#endif
        std::copy_n(t_.data() + from, n, dst);
    }

    void emit(const char* detector, const char* kind, std::size_t b, std::size_t e, double conf) {
        if (conf < o_.min_confidence) return;
        out_.push_back({detector, kind, b, e - b, conf, redact(t_.substr(b, e - b)), {}});
    }

    // Digits inside a word: ICD-10-CM codes (E11.9) and IPv6 starting with hex letters.
    std::size_t mid_word(std::size_t p) {
        if (o_.ip && is_hex(t_[p - 1])) {
            // Only worth a parse if a colon sits at either end of the hex run.
            std::size_t b = p, e = p;
            while (b > 0 && p - b < 5 && is_hex(t_[b - 1])) --b;
            while (e < t_.size() && e - p < 5 && is_hex(t_[e])) ++e;
            if ((b > 0 && t_[b - 1] == ':') || at(e) == ':') {
                if (const std::size_t end = ipv6(p)) return end;
            }
        }
        if (o_.icd10 && p >= 1 && (p == 1 || !is_alnum(t_[p - 2]))) {
            const char l = t_[p - 1];
            if (l >= 'A' && l <= 'Z' && l != 'U') return icd10(p - 1);
        }
        return p;
    }

    std::size_t icd10(std::size_t b) {
        std::size_t e = b + 1;
        if (!is_digit(at(e))) return b;
        const char third = at(e + 1);
        if (!is_digit(third) && !(third >= 'A' && third <= 'Z')) return b;
        e += 2;
        if (at(e) == '.') {
            std::size_t k = e + 1;
            while (k < t_.size() && k - e - 1 < 4 && is_alnum(t_[k])) ++k;
            if (k == e + 1) return e;
            e = k;
        }
        if (!right_boundary(e)) return e;
        const bool ctx = ctx_.near(b, ctx_icd);
        emit("icd10", "icd10", b, e, ctx ? 0.85 : 0.3);
        return e;
    }

    std::size_t ipv6(std::size_t p) {
        std::size_t b = p;
        while (b > 0 && p - b < 45 && (is_hex(t_[b - 1]) || t_[b - 1] == ':')) --b;
        std::size_t e = p;
        while (e < t_.size() && e - b < 45 && (is_hex(t_[e]) || t_[e] == ':' || t_[e] == '.')) ++e;
        while (e > p && (t_[e - 1] == '.')) --e;
        if (b > 0 && is_alnum(t_[b - 1])) return 0;
        if (!right_boundary(e)) return 0;
        const auto tok = t_.substr(b, e - b);
        if (std::count(tok.begin(), tok.end(), ':') < 2) return 0;
        if (!checks::ipv6(tok)) return 0;
        emit("ip_address", "ip_address", b, e, 0.7);
        return e;
    }

    // "Dec 3, 2026" / "June 15 1991": where the month's name before the digits at s begins, or
    // s. Only a word that could be one ("ajs-1f3a" in an id, "Page 12" are not) is worth a
    // date parse: three to nine letters, the first three those of one of the twelve.
    std::size_t month_start(std::size_t s) const noexcept {
        std::size_t w = s - 1;
        while (w > 0 && s - 1 - w < 9 && is_alpha(t_[w - 1])) --w;
        const std::size_t len = s - 1 - w;
        const bool month_like = len >= 3 && len <= 9 && checks::month_prefix(t_.substr(w, 3));
        return month_like && (w == 0 || !is_alnum(t_[w - 1])) ? w : s;
    }

    // Where a number's next group starts after one ending at e, or 0 if none does: past ")",
    // one separator (" ", "-", ".") and "(", a digit. number() reads on there, and the early
    // exits ask whether it would.
    std::size_t next_group(std::size_t e) const noexcept {
        std::size_t k = e;
        if (at(k) == ')') ++k;
        if (at(k) == ' ' || at(k) == '-' || at(k) == '.') ++k;
        if (at(k) == '(') ++k;
        return k != e && is_digit(at(k)) ? k : 0;
    }

    // Where a dotted number at s ends (5.0, 537.36, 120.0.6099.109, prices) if no shape can
    // take it, else 0. The user agent alone has four such words per event, and each went
    // through the IPv4, date, SSN and number checks in turn, each reading the digits again.
    // Every test below is one those checks would fail on: IPv4 wants four parts of up to three
    // digits, a numeric date d.m.yy or yyyy.m.d, an SSN 3.2.4, a number eight digits or more in
    // a shaped grouping, or more groups after this one.
    std::size_t dotted_end(std::size_t s) const noexcept {
        std::array<std::size_t, 8> g{};
        std::size_t n = 0, total = 0, e = s;
        while (true) {
            const std::size_t len = digits(e);
            if (n == g.size() || total + len > 19) return 0;
            g[n++] = len;
            total += len;
            e += len;
            if (at(e) != '.' || !is_digit(at(e + 1))) break;
            ++e;
        }
        if (n < 2) return 0;
        if (next_group(e)) return 0;
        const bool ipv4 = n >= 4 && g[0] <= 3 && g[1] <= 3 && g[2] <= 3 && g[3] <= 3;
        const bool date =
            n >= 3 && g[1] <= 2 && ((g[0] <= 2 && (g[2] == 2 || g[2] == 4)) || g[0] == 4);
        const bool ssn = n >= 3 && g[0] == 3 && g[1] == 2 && g[2] == 4;
        const bool number = total >= 8 && shaped_grouping(grouping(g.data(), n));
        return ipv4 || date || ssn || number ? 0 : e;
    }

    std::size_t token(std::size_t s) {
        const char c0 = s > 0 ? t_[s - 1] : '\0';
        const std::size_t d = digits(s);
        const char nxt = at(s + d);
        // Most digit runs in real bodies are short numbers ending in , } " &: no shape can
        // start there, so they cost one table look-up.
        const bool continues = nxt == '-' || nxt == '.' || nxt == '/' || nxt == ' ' || nxt == ':' ||
                               nxt == ')' || is_alpha(nxt);
        const bool v6_tail = c0 == ':' && s >= 2 && (t_[s - 2] == ':' || is_hex(t_[s - 2]));
        // A month's name before the digits ("May-21", "June 2021") can make a date of them.
        const bool after_word = (c0 == ' ' || c0 == '-') && s >= 2 && is_alpha(t_[s - 2]);
        const std::size_t from = after_word ? month_start(s) : s;
        const bool month_word = from != s;
        // (After another word, a "(" is left to number(), which may read on into a next group.)
        if (!continues && !v6_tail && c0 != '+' && c0 != '(' &&
            (!after_word || (!month_word && nxt != '('))) {
            if (d < 9) return s + d;
            // A lone run of 9-12 digits (timestamps, order ids): number() would only weigh it
            // by context, so ask that first. ("(" may start a next group.)
            if (d <= 12 && nxt != '(' && o_.min_confidence > 0.3 &&
                !ctx_.near(s, ctx_ssn | ctx_phone | ctx_npi))
                return s + d;
        }
        if (!v6_tail && !month_word && c0 != '+' && c0 != '(') {
            if (nxt == '.' && c0 != '.') {
                if (const std::size_t e = dotted_end(s)) return e;
            }
            // "x86_64)": a short number closing a parenthesis it did not open.
            if (nxt == ')' && d < 8 && !next_group(s + d)) return s + d;
        }
        if (o_.ip && (v6_tail || nxt == ':')) {
            if (const std::size_t e = ipv6(s)) return e;
        }
        if (o_.ip && d <= 3 && nxt == '.' && c0 != '.') {
            if (const std::size_t e = ipv4(s)) return e;
        }
        if (o_.dates) {
            if (const std::size_t e = date(s, d, nxt, from)) return e;
        }
        if (o_.ssn && d == 3 && (nxt == '-' || nxt == ' ' || nxt == '.')) {
            if (const std::size_t e = ssn_formatted(s, nxt)) return e;
        }
        if (o_.mbi && d == 1 && is_alpha(nxt)) {
            if (const std::size_t e = mbi(s)) return e;
        }
        // Digits running into a letter ("1234abcd" in an id) end no number: only the date,
        // MBI and IPv6 shapes above can start there.
        if (is_alpha(nxt)) return s + d;
        return number(s);
    }

    std::size_t ipv4(std::size_t s) {
        std::size_t e = s;
        for (int part = 0; part < 4; ++part) {
            const std::size_t n = digits(e);
            if (n == 0 || n > 3) return 0;
            e += n;
            if (part < 3) {
                if (at(e) != '.') return 0;
                ++e;
            }
        }
        if (!checks::ipv4(t_.substr(s, e - s))) return 0;
        if (is_alpha(at(e)) || is_digit(at(e))) return 0;
        // Four-part version numbers ("app_version": "4.12.0.1", v=1.2.3.4) are not hosts.
        if ((s > 0 && (t_[s - 1] == 'v' || t_[s - 1] == 'V')) || version_before(s)) return e;
        emit("ip_address", "ip_address", s, e, 0.7);
        return e;
    }

    // Whether "version", in any case, ends at most 16 bytes before s. Read here, where only a
    // valid four-part address asks, rather than found by a Hyperscan pattern over every body:
    // as a context word it matched each analytics event's library version, 118 matches and
    // ~2 us of a 64 KiB JSON batch's scan.
    bool version_before(std::size_t s) const noexcept {
        constexpr std::string_view word = "version";
        const std::size_t window = 16 + word.size();
        for (std::size_t q = s > window ? s - window : 0; q + word.size() <= s; ++q) {
            std::size_t k = 0;
            while (k < word.size() && (t_[q + k] | 0x20) == word[k]) ++k;
            if (k == word.size()) return true;
        }
        return false;
    }

    // b: where a month's name before the digits begins, else s.
    std::size_t date(std::size_t s, std::size_t d, char nxt, std::size_t b) {
        const bool ordinal =
            d <= 2 && is_alpha(nxt) && is_alpha(at(s + d + 1)) && !is_alpha(at(s + d + 2));
        const bool numeric =
            (d <= 2 || d == 4) && (nxt == '-' || nxt == '/' || nxt == '.' || nxt == ' ' || ordinal);
        if (b == s && !numeric) return 0;
        auto r = checks::parse_date(t_.substr(b, std::min<std::size_t>(48, t_.size() - b)));
        if (!r && b != s && numeric) {
            b = s;
            r = checks::parse_date(t_.substr(b, std::min<std::size_t>(48, t_.size() - b)));
        }
        if (!r) return 0;
        std::size_t e = b + r->length;
        if (!right_boundary(e) && !(e < t_.size() && t_[e] == 'Z')) return 0;
        // A time just after ("at 9:30", "9:30am") belongs to the same appointment.
        std::size_t te = e;
        if (t_.substr(e, 4) == " at ")
            te = e + 4;
        else if (at(e) == ' ')
            te = e + 1;
        if (te > e) {
            if (const std::size_t tl = checks::parse_time(t_.substr(te, 12))) e = te + tl;
        }
        // Most dates are timestamps with neither kind of word before them: one question
        // for both kinds answers that.
        const bool after_dob = ctx_.near(e + 24, ctx_dob, 24);
        if (!after_dob && !ctx_.near(b, ctx_dob | ctx_appointment, 40))
            emit("date", "date", b, e, 0.3);
        else if (after_dob || ctx_.near(b, ctx_dob, 40))
            emit("dob", "dob", b, e, 0.9);
        else
            emit("appointment_date", "appointment", b, e, 0.85);
        return e;
    }

    std::size_t ssn_formatted(std::size_t s, char sep) {
        if (digits(s + 4) != 2 || at(s + 6) != sep || digits(s + 7) != 4) return 0;
        const std::size_t e = s + 11;
        if (!right_boundary(e) || is_digit(at(e))) return 0;
        if (s > 0 && (t_[s - 1] == '-' || t_[s - 1] == '.')) return 0;
        std::string d;
        d.append(t_.substr(s, 3)).append(t_.substr(s + 4, 2)).append(t_.substr(s + 7, 4));
        if (!checks::ssn(d)) return e;
        const bool ctx = ctx_.near(s, ctx_ssn);
        emit("ssn", "ssn", s, e, ctx ? 0.95 : (sep == '-' ? 0.85 : 0.6));
        return e;
    }

    std::size_t mbi(std::size_t s) {
        // Positions 2 and 4 (a letter, then a digit, dashes aside) rule out most words.
        const std::size_t fourth = at(s + 3) == '-' ? s + 4 : s + 3;
        if (!is_alpha(at(s + 1)) || !(is_digit(at(fourth)) || is_digit(at(s + 3)))) return 0;
        std::string id;
        std::size_t e = s;
        while (e < t_.size() && e - s < 14 && (is_alnum(t_[e]) || t_[e] == '-')) {
            if (t_[e] == '-') {
                if (id.size() != 4 && id.size() != 7) return 0;
            } else {
                id.push_back(t_[e]);
            }
            ++e;
        }
        if (!right_boundary(e) || !checks::mbi(id)) return 0;
        const bool ctx = ctx_.near(s, ctx_mbi);
        emit("mbi", "mbi", s, e, ctx ? 0.95 : 0.8);
        return e;
    }

    // Digit groups with single separators: phones, card numbers, NPIs, bare SSNs.
    std::size_t number(std::size_t s) {
        std::size_t b = s;
        const bool plus = s > 0 && t_[s - 1] == '+';
        const bool paren = s > 0 && t_[s - 1] == '(';
        if (plus || paren) b = s - 1;
        std::array<std::size_t, 8> groups{};
        std::size_t ngroups = 0;
        std::array<char, 40> dbuf{};  // 19 digits and a 16-byte store's overrun
        std::size_t dn = 0;
        char sep = '\0';
        bool mixed = false;
        std::size_t e = s;
        char pending = '\0';  // the separator before the group being read, if it counts
        std::size_t last_end = s;
        while (ngroups < groups.size()) {
            const std::size_t n = digits(e);
            if (n == 0) break;
            // A run of space-separated numbers is several numbers, not one long one.
            if (dn + n > 19) {
                if (ngroups == 0) return e + n;
                e = last_end;
                break;
            }
            if (pending != '\0') {
                if (sep == '\0')
                    sep = pending;
                else if (pending != sep)
                    mixed = true;
            }
            groups[ngroups++] = n;
            copy_group(dbuf.data() + dn, e, n);
            dn += n;
            const std::size_t group_end = e + n;
            last_end = group_end;
            e = group_end;
            const std::size_t k = next_group(group_end);
            if (!k) break;
            // The separator is the byte right after the group; the space after "(415)" is not.
            const char after = at(group_end);
            pending = after == ' ' || after == '-' || after == '.' ? after : '\0';
            e = k;
        }
        if (!right_boundary(e) ||
            (e < t_.size() && (t_[e] == '.' || t_[e] == '-') && is_digit(at(e + 1))))
            return e;
        // Every shape below has at least 8 digits; most numbers in a body (sizes, prices,
        // versions) stop here, before the context look-up.
        if (dn < 8) return e;
        const std::string_view d(dbuf.data(), dn);
        const std::size_t n = dn;
        const bool single = ngroups == 1;
        // An undivided run of 9-12 digits (timestamps, order ids) only counts with context.
        if (single && !plus && !paren && n < 13 && o_.min_confidence > 0.3 &&
            !ctx_.near(b, ctx_ssn | ctx_phone | ctx_npi))
            return e;
        const std::uint64_t key = grouping(groups.data(), ngroups);
        auto g = [key](std::initializer_list<std::size_t> want) { return key == grouping(want); };
        // Numbers grouped in no shape's way (versions such as 120.0.6099.109) end here.
        if (!single && !plus && !paren && !shaped_grouping(key)) return e;
        if (o_.credit_card && n >= 13 && n <= 19 && !mixed &&
            (single || g({4, 4, 4, 4}) || g({4, 6, 5}) || g({4, 6, 4}) || g({4, 4, 4, 4, 3})) &&
            checks::credit_card(d)) {
            const bool ctx = ctx_.near(b, ctx_card);
            emit("credit_card", "credit_card", b, e, ctx ? 0.95 : (single ? 0.7 : 0.85));
            return e;
        }
        if (o_.npi && n == 10 && (single || g({4, 3, 3})) && checks::npi(d) &&
            ctx_.near(b, ctx_npi)) {
            emit("npi", "npi", b, e, 0.9);
            return e;
        }
        if (o_.phone) {
            auto ctx = [&] { return ctx_.near(b, ctx_phone); };
            const bool nanp11 = n == 11 && d[0] == '1' && checks::nanp(d.substr(1));
            const bool nanp10 = n == 10 && checks::nanp(d);
            const bool grouped =
                g({3, 3, 4}) || g({1, 3, 3, 4}) || (paren && (g({3, 3, 4}) || g({3, 7})));
            if (plus && (nanp11 || (n >= 8 && n <= 15 && d[0] != '0'))) {
                emit("phone", "phone", b, e, ctx() ? 0.9 : (nanp11 ? 0.8 : 0.65));
                return e;
            }
            if ((nanp10 || nanp11) && grouped) {
                emit("phone", "phone", b, e, ctx() ? 0.9 : 0.75);
                return e;
            }
            if ((nanp10 || nanp11) && single) {
                emit("phone", "phone", b, e, ctx() ? 0.8 : 0.3);
                return e;
            }
        }
        if (o_.npi && n == 10 && (single || g({4, 3, 3})) && checks::npi(d)) {
            emit("npi", "npi", b, e, single ? 0.3 : 0.6);
            return e;
        }
        if (o_.ssn && n == 9 && single && checks::ssn(d)) {
            emit("ssn", "ssn", b, e, ctx_.near(b, ctx_ssn) ? 0.8 : 0.3);
            return e;
        }
        return e;
    }

    std::string_view t_;
    const shape_options& o_;
    const context_index& ctx_;
    std::vector<candidate>& out_;
};

}  // namespace

void scan_shapes(std::string_view text, const shape_options& options, const context_index& context,
                 std::vector<candidate>& out) {
    shape_scanner(text, options, context, out).run();
}

}  // namespace phiguard::policy::detect
