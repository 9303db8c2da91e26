#pragma once

#include <optional>
#include <string_view>

// Validity checks for candidate values: a shape that matches is only a candidate until one of
// these agrees. All take the candidate without surrounding text.
namespace phiguard::policy::checks {

/// Luhn mod-10 over a string of digits only.
bool luhn(std::string_view digits) noexcept;
/// Payment card number (13-19 digits, no separators) with a known issuer prefix and Luhn.
bool credit_card(std::string_view digits) noexcept;
/// US NPI: 10 digits starting 1 or 2 whose check digit is Luhn over "80840" + the number.
bool npi(std::string_view digits) noexcept;
/// US SSN as nine digits: not area 000/666/9xx, group 00, serial 0000, one repeated digit or
/// the Woolworth wallet number.
bool ssn(std::string_view digits) noexcept;
/// Medicare Beneficiary Identifier, 11 characters without dashes, either case.
bool mbi(std::string_view id) noexcept;
/// NANP number as ten digits: area and exchange codes start 2-9, area not N11.
bool nanp(std::string_view digits) noexcept;
/// A real calendar date (leap years included) between 1900 and 2100.
bool calendar_date(int year, int month, int day) noexcept;
/// Dotted-quad IPv4, each octet 0-255 without leading zeros beyond one digit.
bool ipv4(std::string_view text) noexcept;
/// IPv6 in any RFC 4291 text form, including an embedded IPv4 tail.
bool ipv6(std::string_view text) noexcept;
/// local@domain.tld with a plausible local part and a dotted domain.
bool email(std::string_view text) noexcept;
/// Lowercase or uppercase hex of an MD5 (32), SHA-1 (40) or SHA-256 (64) digest.
bool hex_digest(std::string_view text) noexcept;

struct date {
    int year = 0, month = 0, day = 0;  ///< 0: the text did not say (5/21, May 2021)
    std::size_t length = 0;            ///< characters of the text the date took
};
/// Parses a date at the start of text: ISO (2021-05-21, with an optional time), US and day-first
/// numeric forms (5/20/2021, 21.5.2021, 05-20-21), month names (22-nov-1972, June 15, 1991,
/// 15th June 1991), and partial dates, which HIPAA counts as identifiers too: month and day
/// (Dec 3, 21-May, 5/21) and month and year (May 2021, 05/2021). Ambiguous numeric forms are
/// accepted if either reading is a real date.
std::optional<date> parse_date(std::string_view text) noexcept;
/// True if word starts with the first three letters of a month's name, in any case: a cheap
/// test before parse_date on a word that precedes digits.
bool month_prefix(std::string_view word) noexcept;
/// A time of day at the start of text: 9:30, 09:30:00, 9:30am, 9 am.
std::size_t parse_time(std::string_view text) noexcept;

}  // namespace phiguard::policy::checks
