#include "policy/config/duration.hpp"

#include <doctest/doctest.h>

using phiguard::policy::parse_duration;
using namespace std::chrono_literals;

TEST_CASE("config: durations in every unit") {
    CHECK(parse_duration("250ms") == 250ms);
    CHECK(parse_duration("30s") == 30s);
    CHECK(parse_duration("5m") == 5min);
    CHECK(parse_duration("1h") == 1h);
    CHECK(parse_duration("0ms") == 0ms);
    CHECK(parse_duration("0") == 0ms);
}

TEST_CASE("config: a bare number is seconds") {
    CHECK(parse_duration("30") == 30s);
    CHECK(parse_duration("1") == 1000ms);
}

TEST_CASE("config: malformed durations are refused") {
    for (auto bad : {"", "s", "ms", "-5s", "+5s", "1.5s", "5 s", " 5s", "5s ", "5S", "5sec", "5d",
                     "5min", "0x10s", "5ms5", "1e3ms", "5us"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_duration(bad));
    }
}

TEST_CASE("config: durations that would overflow are refused") {
    CHECK(parse_duration("1099511627776ms"));  // 2^40 ms is the ceiling
    CHECK_FALSE(parse_duration("1099511627777ms"));
    CHECK_FALSE(parse_duration("99999999999999999999999s"));
    CHECK_FALSE(parse_duration("18446744073709551615h"));
    CHECK(parse_duration("305419h") == std::chrono::hours(305419));
    CHECK_FALSE(parse_duration("305420h"));
}
