#include "policy/detect/shapes.hpp"

#include <doctest/doctest.h>

#include <span>
#include <string>
#include <vector>

using namespace phiguard::policy::detect;

namespace {

// Runs the shape pass with context words marked the way the document pass marks them.
std::vector<candidate> shapes(const std::string& text, double min_confidence = 0.5) {
    context_index ctx;
    std::string lower = text;
    for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
    for (const auto& w : context_words())
        for (auto p = lower.find(w.word); p != std::string::npos; p = lower.find(w.word, p + 1))
            ctx.add(p + w.word.size(), w.mask);
    ctx.finish();
    shape_options o;
    o.min_confidence = min_confidence;
    std::vector<candidate> out;
    scan_shapes(text, o, ctx, out);
    return out;
}

int count(const std::vector<candidate>& cs, const std::string& kind) {
    int n = 0;
    for (const auto& c : cs) n += c.kind == kind;
    return n;
}

struct row {
    const char* text;
    const char* kind;
    int expected;
};

// Each row's text gives exactly the expected number of candidates of its kind.
void check_rows(std::span<const row> rows) {
    for (const auto& r : rows) {
        const std::string text = r.text;
        CAPTURE(text);
        CHECK(count(shapes(r.text), r.kind) == r.expected);
    }
}

}  // namespace

TEST_CASE("shapes: each detector's positives and look-alike negatives") {
    const row rows[] = {
        // SSN: formatted and valid ranges count; invalid areas, groups, serials and SKUs do not.
        {"ssn 123-45-6789", "ssn", 1},
        {"my social security number is 219-09-9999", "ssn", 1},
        {"078-05-1123", "ssn", 1},
        {"000-12-3456", "ssn", 0},
        {"666-12-3456", "ssn", 0},
        {"900-12-3456", "ssn", 0},
        {"123-00-4567", "ssn", 0},
        {"123-45-0000", "ssn", 0},
        {"SKU 123-45-678", "ssn", 0},
        {"693-09.4444", "ssn", 0},
        {"order 219099999", "ssn", 0},
        {"ssn: 219099999", "ssn", 1},
        // Phones: NANP formats, +country numbers; bare ten-digit runs only with context.
        {"call (415) 555-0132", "phone", 1},
        {"415-555-0132", "phone", 1},
        {"+1 415 555 0132", "phone", 1},
        {"+44 (20) 7123 4567", "phone", 1},
        {"ts=1732300000", "phone", 0},
        {"phone 4155550132", "phone", 1},
        {"555-123-4567", "phone", 0},
        // Cards: Luhn and issuer prefix.
        {"4111 1111 1111 1111", "credit_card", 1},
        {"card 4012-8888-8888-1881", "credit_card", 1},
        {"4012-8888-8888-1882", "credit_card", 0},
        {"1748503543012", "credit_card", 0},
        // NPI: check digit and context.
        {"NPI: 1234567893", "npi", 1},
        {"NPI: 1234567890", "npi", 0},
        {"id 1234567893", "npi", 0},
        // MBI.
        {"Medicare ID: 3CD5-FG7-HJ89", "mbi", 1},
        {"1EG4TE5MK73", "mbi", 1},
        {"1SG4-TE5-MK73", "mbi", 0},
        {"1EG4TE5MK734", "mbi", 0},
        // IP addresses, not versions or times.
        {"from 203.0.113.7", "ip_address", 1},
        {"fe80::1 on eth0", "ip_address", 1},
        {"::ffff:192.0.2.1", "ip_address", 1},
        {"version 10.0.19041.1", "ip_address", 0},
        {"app_version 4.12.0.1", "ip_address", 0},
        {"256.1.1.1", "ip_address", 0},
        {"Time 12:34:56", "ip_address", 0},
        // Dates count only as birth or appointment dates.
        {"dob 07/14/1961", "dob", 1},
        {"I was born 15th June 1991", "dob", 1},
        {"appointment on Dec 3 at 9:30", "appointment", 1},
        {"appt: 2026-12-03 09:30", "appointment", 1},
        {"updated 2026-11-20", "dob", 0},
        {"updated 2026-11-20", "appointment", 0},
        {"dob 2023-02-29", "dob", 0},
        // Partial dates are identifiers too, near the same words.
        {"appointment on 12/03", "appointment", 1},
        {"my birthday is 07/14", "dob", 1},
        {"born in May 2021", "dob", 1},
        {"born 05/1961", "dob", 1},
        {"appointment: see you on 21-May", "appointment", 1},
        {"appointment 13/13", "appointment", 0},
        {"appointment 5-21", "appointment", 0},
        {"price 1/2 off", "date", 0},
        // ICD-10-CM codes in a diagnosis context.
        {"diagnosis code E11.9", "icd10", 1},
        {"seat E11", "icd10", 0},
    };
    check_rows(rows);
}

TEST_CASE("shapes: weak shapes are candidates below the default confidence") {
    const auto all = shapes("1234567893", 0.0);
    REQUIRE(count(all, "npi") == 1);
    CHECK(all.front().confidence < 0.5);
    CHECK(count(shapes("1234567893"), "npi") == 0);
}

TEST_CASE("shapes: a partial date without birth or appointment words stays below the default") {
    for (const std::string text : {"Today is 5/21", "Today is May-2021", "Today is 05-May",
                                   "Today is May-21", "Today is,5/21,and it's sunny"}) {
        CAPTURE(text);
        const auto all = shapes(text, 0.0);
        REQUIRE(count(all, "date") == 1);
        CHECK(all.front().confidence < 0.5);
        CHECK(shapes(text).empty());
    }
}

TEST_CASE("shapes: offsets and hints point at the value without revealing it") {
    const std::string t = "x ssn 123-45-6789 y";
    const auto cs = shapes(t);
    REQUIRE(cs.size() == 1);
    CHECK(t.substr(cs[0].offset, cs[0].length) == "123-45-6789");
    CHECK(cs[0].hint.find("6789") == std::string::npos);
}

TEST_CASE("shapes: a UUID is one identifier, not five numbers") {
    // Passed over whole: nothing inside one is a shape, and what follows it is read on its own.
    // Before, the last group's digits ran on into a phone glued to the UUID and hid it.
    CHECK(shapes("id=123e4567-e89b-12d3-a456-426614174000", 0).empty());
    CHECK(shapes(R"({"a":"41111111-1111-1111-1111-111111111111"})", 0).empty());
    const auto glued = shapes("ref 123e4567-e89b-12d3-a456-426614174000(415) 555-0134");
    REQUIRE(count(glued, "phone") == 1);
    CHECK(glued.front().offset == 40);
    // Not a UUID (the last group one digit too long): read word by word as before.
    CHECK(count(shapes("call 123e4567-e89b-12d3-a456-4266141740001 or (415) 555-0134"), "phone") ==
          1);
}

TEST_CASE("shapes: dotted numbers that are no shape are passed over, the shapes among them found") {
    // Versions, prices and decimals end at their last digit without a try of each shape; every
    // dotted shape is still one. (After a word and a space, the month-name check reads on.)
    const row rows[] = {
        {"ua Chrome/120.0.6099.109 Safari/537.36", "ip_address", 0},
        {"ua Chrome/120.0.6099.109 Safari/537.36", "phone", 0},
        {"price 123.45, version 4.1.0", "date", 0},
        {"host: 10.20.30.40 up", "ip_address", 1},
        {"dob: 21.5.2021", "dob", 1},
        {"dob=2021.05.21", "dob", 1},
        {"dob: 12.31.99", "dob", 1},
        {"ssn: 123.45.6789", "ssn", 1},
        {"phone: 415.555.0134", "phone", 1},
        {"phone=1.415.555.0134", "phone", 1},
        {"card: 4111.1111.1111.1111", "credit_card", 1},
        // A next group after a space or a parenthesis makes it one number, as before.
        {"phone: 415.555 0134", "phone", 1},
    };
    check_rows(rows);
    // Not even a weak candidate in a whole user agent.
    CHECK(shapes("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                 "Gecko) Chrome/120.0.6099.109 Safari/537.36",
                 0)
              .empty());
}

TEST_CASE("shapes: a word before the digits matters only as a month's name") {
    const row rows[] = {
        {"dob: June 15 1991", "dob", 1},
        {"dob Dec 3, 2026", "dob", 1},
        {"birthday Mar-21", "dob", 1},
        {"title Page 12", "date", 0},
        // A closing parenthesis ends a short number, unless a next group follows it.
        {"ua x86_64) AppleWebKit", "phone", 0},
        {"call 415) 555-0134", "phone", 1},
        {"call 415(555) 0134", "phone", 1},
    };
    check_rows(rows);
    CHECK(shapes("Page 12, Linux x86_64) NT 10.0", 0).empty());
}
