#include "policy/detect/checks.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>

namespace phiguard::policy::checks {
namespace {

bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) noexcept {
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
bool all_digits(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

int number(std::string_view s) noexcept {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

// Reads 1..max digits at the front of s.
std::size_t digits_at(std::string_view s, std::size_t pos, std::size_t max) noexcept {
    std::size_t n = 0;
    while (pos + n < s.size() && n < max && is_digit(s[pos + n])) ++n;
    return n;
}

constexpr std::array<std::string_view, 12> month_names = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december"};

int month_name(std::string_view s, std::size_t& len) noexcept {
    const auto& names = month_names;
    std::size_t n = 0;
    while (n < s.size() && is_alpha(s[n])) ++n;
    if (n < 3 || n > 9) return 0;
    std::array<char, 9> buf{};
    for (std::size_t i = 0; i < n; ++i) buf[i] = static_cast<char>(s[i] | 0x20);
    const std::string_view word(buf.data(), n);
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto& full = names[i];
        if (word == full || (word.size() == 3 && full.substr(0, 3) == word) ||
            (word == "sept" && i == 8)) {
            len = n;
            return static_cast<int>(i) + 1;
        }
    }
    return 0;
}

int full_year(int y, std::size_t digits) noexcept {
    if (digits == 4) return y;
    return y < 50 ? 2000 + y : 1900 + y;
}

}  // namespace

bool luhn(std::string_view digits) noexcept {
    if (!all_digits(digits)) return false;
    int sum = 0;
    bool dbl = false;
    for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
        int d = *it - '0';
        if (dbl) {
            d *= 2;
            if (d > 9) d -= 9;
        }
        sum += d;
        dbl = !dbl;
    }
    return sum % 10 == 0;
}

bool credit_card(std::string_view d) noexcept {
    if (d.size() < 13 || d.size() > 19 || !luhn(d)) return false;
    if (std::all_of(d.begin(), d.end(), [&](char c) { return c == d[0]; })) return false;
    // Issuer prefixes (Visa, Mastercard, Amex, Diners, Discover, JCB, Maestro, UnionPay, and the
    // test ranges peers use) keep Luhn-valid order numbers from counting as cards.
    const int p1 = d[0] - '0';
    const int p2 = number(d.substr(0, 2));
    const int p4 = number(d.substr(0, 4));
    if (p1 == 4) return true;
    if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return true;
    if (p2 == 34 || p2 == 37 || p2 == 36 || p2 == 38 || p2 == 30 || p2 == 39) return true;
    if (p2 == 35 || p2 == 62 || p2 == 65 || p2 == 60 || p2 == 64) return true;
    if (p2 == 50 || (p2 >= 56 && p2 <= 69)) return true;
    if (p1 == 1 && d.size() == 15) return true;  // UATP
    return false;
}

bool npi(std::string_view d) noexcept {
    if (d.size() != 10 || !all_digits(d) || (d[0] != '1' && d[0] != '2')) return false;
    std::string s = "80840";
    s.append(d);
    return luhn(s);
}

bool ssn(std::string_view d) noexcept {
    if (d.size() != 9 || !all_digits(d)) return false;
    const int area = number(d.substr(0, 3));
    if (area == 0 || area == 666 || area >= 900) return false;
    if (d.substr(3, 2) == "00" || d.substr(5, 4) == "0000") return false;
    if (std::all_of(d.begin(), d.end(), [&](char c) { return c == d[0]; })) return false;
    return d != "078051120";
}

bool mbi(std::string_view id) noexcept {
    if (id.size() != 11) return false;
    auto letter = [](char c) {
        c = static_cast<char>(c & ~0x20);
        return c >= 'A' && c <= 'Z' && c != 'S' && c != 'L' && c != 'O' && c != 'I' && c != 'B' &&
               c != 'Z';
    };
    auto alnum = [&](char c) { return is_digit(c) || letter(c); };
    return id[0] >= '1' && id[0] <= '9' && letter(id[1]) && alnum(id[2]) && is_digit(id[3]) &&
           letter(id[4]) && alnum(id[5]) && is_digit(id[6]) && letter(id[7]) && letter(id[8]) &&
           is_digit(id[9]) && is_digit(id[10]);
}

bool nanp(std::string_view d) noexcept {
    if (d.size() != 10 || !all_digits(d)) return false;
    if (d[0] < '2' || d[3] < '2') return false;
    return !(d[1] == '1' && d[2] == '1');
}

bool calendar_date(int y, int m, int d) noexcept {
    if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
    static constexpr std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= days[static_cast<std::size_t>(m - 1)] + ((m == 2 && leap) ? 1 : 0);
}

bool ipv4(std::string_view t) noexcept {
    int parts = 0;
    std::size_t i = 0;
    while (parts < 4) {
        const std::size_t n = digits_at(t, i, 3);
        if (n == 0 || (n > 1 && t[i] == '0') || number(t.substr(i, n)) > 255) return false;
        i += n;
        ++parts;
        if (parts < 4) {
            if (i >= t.size() || t[i] != '.') return false;
            ++i;
        }
    }
    return i == t.size();
}

bool ipv6(std::string_view t) noexcept {
    if (t.size() < 2 || t.size() > 45 || t.find(':') == std::string_view::npos) return false;
    std::string s(t);
    in6_addr addr{};
    return inet_pton(AF_INET6, s.c_str(), &addr) == 1;
}

bool email(std::string_view t) noexcept {
    const auto at = t.find('@');
    if (at == 0 || at == std::string_view::npos || at > 64 || t.size() - at < 5) return false;
    const auto local = t.substr(0, at);
    const auto domain = t.substr(at + 1);
    if (local.front() == '.' || local.back() == '.') return false;
    for (char c : local)
        if (!(std::isalnum(static_cast<unsigned char>(c)) ||
              std::string_view("._%+-'").find(c) != std::string_view::npos))
            return false;
    const auto dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0) return false;
    for (char c : domain)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-')) return false;
    if (domain.find("..") != std::string_view::npos || domain.front() == '-') return false;
    const auto tld = domain.substr(dot + 1);
    if (tld.size() < 2) return false;
    if (tld.substr(0, 4) == "xn--") return tld.size() > 4;
    return std::all_of(tld.begin(), tld.end(), is_alpha);
}

bool hex_digest(std::string_view t) noexcept {
    if (t.size() != 32 && t.size() != 40 && t.size() != 64) return false;
    bool lower = false, upper = false;
    for (char c : t) {
        if (is_digit(c)) continue;
        if (c >= 'a' && c <= 'f')
            lower = true;
        else if (c >= 'A' && c <= 'F')
            upper = true;
        else
            return false;
    }
    return !(lower && upper);
}

std::size_t parse_time(std::string_view t) noexcept {
    std::size_t i = digits_at(t, 0, 2);
    if (i == 0 || number(t.substr(0, i)) > 23) return 0;
    bool minutes = false;
    if (i + 2 < t.size() && t[i] == ':' && digits_at(t, i + 1, 2) == 2) {
        if (number(t.substr(i + 1, 2)) > 59) return 0;
        i += 3;
        minutes = true;
        if (i + 2 < t.size() && t[i] == ':' && digits_at(t, i + 1, 2) == 2) i += 3;
    }
    std::size_t j = i;
    if (j < t.size() && t[j] == ' ') ++j;
    if (j + 1 < t.size() && (t[j] == 'a' || t[j] == 'p' || t[j] == 'A' || t[j] == 'P') &&
        (t[j + 1] == 'm' || t[j + 1] == 'M'))
        return j + 2;
    return minutes ? i : 0;
}

bool month_prefix(std::string_view w) noexcept {
    if (w.size() < 3) return false;
    // On the first letter: most words before a number ("Page", "ajs", "Linux") start with
    // none of a month's, and twelve three-letter compares per word were a tenth of the
    // shape pass's time on such words.
    const char a = static_cast<char>(w[0] | 0x20), b = static_cast<char>(w[1] | 0x20),
               c = static_cast<char>(w[2] | 0x20);
    switch (a) {
        case 'j':
            return (b == 'a' && c == 'n') || (b == 'u' && (c == 'n' || c == 'l'));
        case 'f':
            return b == 'e' && c == 'b';
        case 'm':
            return b == 'a' && (c == 'r' || c == 'y');
        case 'a':
            return (b == 'p' && c == 'r') || (b == 'u' && c == 'g');
        case 's':
            return b == 'e' && c == 'p';
        case 'o':
            return b == 'c' && c == 't';
        case 'n':
            return b == 'o' && c == 'v';
        case 'd':
            return b == 'e' && c == 'c';
        default:
            return false;
    }
}

std::optional<date> parse_date(std::string_view t) noexcept {
    const std::size_t n1 = digits_at(t, 0, 4);
    if (n1 == 4 && t.size() >= 8 && (t[4] == '-' || t[4] == '/' || t[4] == '.')) {
        // ISO: yyyy-mm-dd, optional THH:MM[:SS[.fff]][Z|+hh:mm]
        const char sep = t[4];
        const std::size_t nm = digits_at(t, 5, 2);
        if (nm == 0 || 5 + nm >= t.size() || t[5 + nm] != sep) return std::nullopt;
        const std::size_t nd = digits_at(t, 6 + nm, 2);
        if (nd == 0) return std::nullopt;
        date r{number(t.substr(0, 4)), number(t.substr(5, nm)), number(t.substr(6 + nm, nd)),
               6 + nm + nd};
        if (!calendar_date(r.year, r.month, r.day)) return std::nullopt;
        if (r.length < t.size() && (t[r.length] == 'T' || t[r.length] == ' ')) {
            const std::size_t tl = parse_time(t.substr(r.length + 1));
            if (tl > 0) {
                std::size_t e = r.length + 1 + tl;
                if (e < t.size() && t[e] == '.') {
                    ++e;
                    while (e < t.size() && is_digit(t[e])) ++e;
                }
                if (e < t.size() && t[e] == 'Z')
                    ++e;
                else if (e + 5 < t.size() + 0 && (t[e] == '+' || t[e] == '-') &&
                         digits_at(t, e + 1, 2) == 2 && t[e + 3] == ':' &&
                         digits_at(t, e + 4, 2) == 2)
                    e += 6;
                r.length = e;
            }
        }
        return r;
    }
    if (n1 >= 1 && n1 <= 2 && n1 < t.size()) {
        const int a = number(t.substr(0, n1));
        std::size_t i = n1;
        // "15th June 1991", "4 June 1976"
        if (i + 1 < t.size() && is_alpha(t[i]) && is_alpha(t[i + 1])) {
            const auto suf = t.substr(i, 2);
            if (suf == "st" || suf == "nd" || suf == "rd" || suf == "th") i += 2;
        }
        const char sep = i < t.size() ? t[i] : '\0';
        if (sep == '-' || sep == '/' || sep == '.' || sep == ' ') {
            std::size_t ml = 0;
            const int mname = month_name(t.substr(i + 1), ml);
            if (mname > 0) {
                std::size_t j = i + 1 + ml;
                if (j < t.size() && t[j] == '.') ++j;
                if (j + 1 < t.size() && (t[j] == sep || t[j] == ' ' || t[j] == ',')) {
                    std::size_t k = j + 1;
                    if (t[j] == ',' && k < t.size() && t[k] == ' ') ++k;
                    const std::size_t ny = digits_at(t, k, 4);
                    if ((ny == 4 || ny == 2) && (k + ny == t.size() || !is_digit(t[k + ny]))) {
                        const int y = full_year(number(t.substr(k, ny)), ny);
                        if (calendar_date(y, mname, a)) return date{y, mname, a, k + ny};
                        return std::nullopt;
                    }
                }
                // Day and month alone ("21-May", "3 June"): the year is unknown.
                if (calendar_date(2000, mname, a)) return date{0, mname, a, j};
                return std::nullopt;
            }
            if (sep == ' ' || i != n1) return std::nullopt;
            const std::size_t n2 = digits_at(t, i + 1, 2);
            if (n2 == 0) return std::nullopt;
            if (i + 1 + n2 >= t.size() || t[i + 1 + n2] != sep) {
                // Two parts with a slash: month and day ("5/21", year unknown) or month and
                // year ("05/2021", day unknown). Dashes and dots are left to ranges, scores
                // and decimals.
                if (sep != '/') return std::nullopt;
                const std::size_t nb = digits_at(t, i + 1, 4);
                const std::size_t end = i + 1 + nb;
                if (end < t.size() && (is_digit(t[end]) || t[end] == '/')) return std::nullopt;
                const int b = number(t.substr(i + 1, nb));
                if (nb == 4 && a >= 1 && a <= 12 && b >= 1900 && b <= 2100)
                    return date{b, a, 0, end};
                if (nb <= 2 && calendar_date(2000, a, b)) return date{0, a, b, end};
                if (nb <= 2 && calendar_date(2000, b, a)) return date{0, b, a, end};
                return std::nullopt;
            }
            const int b = number(t.substr(i + 1, n2));
            const std::size_t k = i + 2 + n2;
            const std::size_t ny = digits_at(t, k, 4);
            if (ny != 4 && ny != 2) return std::nullopt;
            if (k + ny < t.size() && is_digit(t[k + ny])) return std::nullopt;
            const int y = full_year(number(t.substr(k, ny)), ny);
            if (calendar_date(y, a, b)) return date{y, a, b, k + ny};
            if (calendar_date(y, b, a)) return date{y, b, a, k + ny};
        }
        return std::nullopt;
    }
    // "June 15, 1991", "Dec 3 2026", "nov-22-1972"
    std::size_t ml = 0;
    const int m = month_name(t, ml);
    if (m > 0 && ml < t.size()) {
        std::size_t i = ml;
        if (t[i] == '.') ++i;
        if (i < t.size() && (t[i] == ' ' || t[i] == '-')) ++i;
        // Month and year alone ("May 2021", "May-2021"): the day is unknown.
        if (const std::size_t ny = digits_at(t, i, 4);
            ny == 4 && (i + 4 == t.size() || !is_digit(t[i + 4]))) {
            const int y = number(t.substr(i, 4));
            if (y >= 1900 && y <= 2100) return date{y, m, 0, i + 4};
            return std::nullopt;
        }
        const std::size_t nd = digits_at(t, i, 2);
        if (nd == 0) return std::nullopt;
        const int d = number(t.substr(i, nd));
        i += nd;
        if (i + 1 < t.size() && (t.substr(i, 2) == "st" || t.substr(i, 2) == "nd" ||
                                 t.substr(i, 2) == "rd" || t.substr(i, 2) == "th"))
            i += 2;
        std::size_t k = i;
        if (k < t.size() && t[k] == ',') ++k;
        if (k < t.size() && (t[k] == ' ' || t[k] == '-')) ++k;
        const std::size_t ny = digits_at(t, k, 4);
        if (ny == 4 && calendar_date(number(t.substr(k, 4)), m, d))
            return date{number(t.substr(k, 4)), m, d, k + 4};
        // Month and day alone ("Dec 3"): a date in an appointment context, year unknown.
        if (calendar_date(2000, m, d)) return date{0, m, d, i};
    }
    return std::nullopt;
}

}  // namespace phiguard::policy::checks
