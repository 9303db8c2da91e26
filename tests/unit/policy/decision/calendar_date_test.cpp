#include "policy/decision/calendar_date.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy;

TEST_CASE("calendar date: only real dates written YYYY-MM-DD parse") {
    CHECK(parse_calendar_date("2026-01-31") == calendar_date{2026, 1, 31});
    CHECK(parse_calendar_date("2024-02-29") == calendar_date{2024, 2, 29});
    for (const char* bad : {"2026-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "2026-1-5",
                            "26-01-31", "2026/01/31", "2026-01-31T00:00", "", "2026-04-31"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_calendar_date(bad));
    }
}

TEST_CASE("calendar date: ordering, day arithmetic and printing") {
    CHECK(calendar_date{2026, 12, 31} < calendar_date{2027, 1, 1});
    CHECK(days_between({2026, 2, 28}, {2026, 3, 1}) == 1);
    CHECK(days_between({2024, 2, 28}, {2024, 3, 1}) == 2);
    CHECK(days_between({2027, 1, 1}, {2026, 12, 2}) == -30);
    CHECK(days_from_epoch({1970, 1, 2}) == 1);
    CHECK(to_string(calendar_date{2026, 3, 7}) == "2026-03-07");
    auto today = today_utc();
    CHECK(today > calendar_date{2024, 1, 1});
    CHECK(parse_calendar_date(to_string(today)) == today);
}
