#include "policy/detect/checks.hpp"

#include <doctest/doctest.h>

#include <string>
#include <string_view>

namespace checks = phiguard::policy::checks;

namespace {
struct row {
    std::string_view text;
    bool valid;
};
}  // namespace

TEST_CASE("checks: SSN range validity rejects area 000/666/9xx, group 00, serial 0000") {
    const row rows[] = {
        {"219099999", true},  {"078051123", true},  {"123456789", true},  {"726602033", true},
        {"000123456", false}, {"666123456", false}, {"900123456", false}, {"999123456", false},
        {"123006789", false}, {"123450000", false}, {"111111111", false}, {"078051120", false},
        {"12345678", false},  {"12345678a", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        CHECK(checks::ssn(r.text) == r.valid);
    }
}

TEST_CASE("checks: Luhn, card issuers and NPI check digits") {
    CHECK(checks::luhn("79927398713"));
    CHECK_FALSE(checks::luhn("79927398710"));
    const row cards[] = {
        {"4111111111111111", true},  {"4012888888881881", true}, {"5555555555554444", true},
        {"371449635398431", true},   {"6011000990139424", true}, {"30569309025904", true},
        {"4012888888881882", false}, {"36168002586008", false},  {"1748503543012", false},
        {"0000000000000000", false}, {"411111111111", false},
    };
    for (const auto& r : cards) {
        CAPTURE(r.text);
        CHECK(checks::credit_card(r.text) == r.valid);
    }
    const row npis[] = {
        {"1234567893", true},  {"1245319599", true},  {"1003000126", true}, {"1234567890", false},
        {"0234567893", false}, {"3234567893", false}, {"123456789", false}, {"12345678934", false},
    };
    for (const auto& r : npis) {
        CAPTURE(r.text);
        CHECK(checks::npi(r.text) == r.valid);
    }
}

TEST_CASE("checks: Medicare MBI format rules") {
    const row rows[] = {
        {"1EG4TE5MK73", true},  {"1eg4te5mk73", true},  {"9XX9XX9XX99", true},
        {"1SG4TE5MK73", false}, {"1EG4LE5MK73", false}, {"1EG4TE5OK73", false},
        {"1BG4TE5MK73", false}, {"AEG4TE5MK73", false}, {"12G4TE5MK73", false},
        {"1EG4TE5MK7", false},  {"0EG4TE5MK73", false},
    };
    for (const auto& r : rows) {
        CAPTURE(r.text);
        CHECK(checks::mbi(r.text) == r.valid);
    }
}

TEST_CASE("checks: NANP numbers need area and exchange codes starting 2-9") {
    CHECK(checks::nanp("4155550132"));
    CHECK_FALSE(checks::nanp("1155550132"));
    CHECK_FALSE(checks::nanp("4151550132"));
    CHECK_FALSE(checks::nanp("9115550132"));
}

TEST_CASE("checks: dates are real calendar dates in many spellings") {
    struct date_row {
        std::string_view text;
        int y, m, d;
    };
    const date_row ok[] = {
        {"2021-05-21", 2021, 5, 21},
        {"5/20/2021", 2021, 5, 20},
        {"21.5.2021", 2021, 5, 21},
        {"07/14/1961", 1961, 7, 14},
        {"22-nov-1972", 1972, 11, 22},
        {"15th June 1991", 1991, 6, 15},
        {"4 June 1976", 1976, 6, 4},
        {"June 15, 1991", 1991, 6, 15},
        {"2024-02-29", 2024, 2, 29},
        {"17/06/1976", 1976, 6, 17},
        {"Dec 3 2026", 2026, 12, 3},
        // Partial: 0 for the part the text does not give.
        {"Dec 3", 0, 12, 3},
        {"5/21", 0, 5, 21},
        {"21/5", 0, 5, 21},
        {"05/2021", 2021, 5, 0},
        {"May 2021", 2021, 5, 0},
        {"May-21", 0, 5, 21},
        {"21-May", 0, 5, 21},
        {"3 June", 0, 6, 3},
    };
    for (const auto& r : ok) {
        CAPTURE(r.text);
        const auto d = checks::parse_date(r.text);
        REQUIRE(d);
        CHECK(d->year == r.y);
        CHECK(d->month == r.m);
        CHECK(d->day == r.d);
    }
    for (std::string_view bad :
         {"2023-02-29", "2021-13-01", "31/31/2021", "2021-04-31", "123-45-6789", "00/00/0000",
          "hello", "13/13", "5-21", "5.21", "13/2021", "5/1492", "50/50", "5/21/"}) {
        CAPTURE(bad);
        CHECK_FALSE(checks::parse_date(bad));
    }
    const auto iso = checks::parse_date("2024-03-15T14:30:00.123Z rest");
    REQUIRE(iso);
    CHECK(iso->length == std::string_view("2024-03-15T14:30:00.123Z").size());
    CHECK(checks::parse_time("9:30am") == 6);
    CHECK(checks::parse_time("25:00") == 0);
}

TEST_CASE("checks: IP addresses, e-mail addresses and hex digests") {
    CHECK(checks::ipv4("192.168.1.1"));
    CHECK(checks::ipv4("0.0.0.0"));
    CHECK_FALSE(checks::ipv4("256.1.1.1"));
    CHECK_FALSE(checks::ipv4("192.168.1"));
    CHECK_FALSE(checks::ipv4("01.2.3.4"));
    CHECK(checks::ipv6("2001:db8::1"));
    CHECK(checks::ipv6("::ffff:192.0.2.1"));
    CHECK_FALSE(checks::ipv6("2001::db8::1"));
    CHECK_FALSE(checks::ipv6("12:34:56"));
    CHECK(checks::email("info@presidio.site"));
    CHECK(checks::email("user@xn--80ak6aa92e.com"));
    CHECK_FALSE(checks::email("info@presidio."));
    CHECK_FALSE(checks::email("@example.com"));
    CHECK_FALSE(checks::email("a@b"));
    CHECK(checks::hex_digest("5d41402abc4b2a76b9719d911017c592"));
    CHECK(checks::hex_digest("9d043af8047d56798e3ab912b1e6e937a63933239f6ae349ef4747b5ae1e6e75"));
    CHECK_FALSE(checks::hex_digest("5d41402abc4b2a76b9719d911017c59"));
    CHECK_FALSE(checks::hex_digest("5d41402abc4b2a76b9719d911017c59g"));
    CHECK_FALSE(checks::hex_digest("5D41402abc4b2a76b9719d911017c592"));
}

TEST_CASE("checks: month_prefix is true for exactly the twelve months' first three letters") {
    // Every three-letter word in every case mix, against the names themselves.
    const std::string months[] = {"january",   "february", "march",    "april",
                                  "may",       "june",     "july",     "august",
                                  "september", "october",  "november", "december"};
    int found = 0;
    for (char a = 'a'; a <= 'z'; ++a)
        for (char b = 'a'; b <= 'z'; ++b)
            for (char c = 'a'; c <= 'z'; ++c) {
                const std::string w{a, b, c};
                bool want = false;
                for (const auto& m : months) want |= m.compare(0, 3, w) == 0;
                const std::string upper{static_cast<char>(a - 32), b, static_cast<char>(c - 32)};
                CAPTURE(w);
                CHECK(checks::month_prefix(w) == want);
                CHECK(checks::month_prefix(upper) == want);
                CHECK(checks::month_prefix(w + "uary") == want);
                found += want;
            }
    CHECK(found == 12);
    CHECK_FALSE(checks::month_prefix("ja"));
    CHECK_FALSE(checks::month_prefix("1an"));
}
