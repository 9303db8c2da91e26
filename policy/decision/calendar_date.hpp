#pragma once
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace phiguard::policy {

/// A day in the proleptic Gregorian calendar, as BAA records are dated.
struct calendar_date {
    int y = 1970, m = 1, d = 1;
    auto operator<=>(const calendar_date&) const = default;
};

/// Strict "YYYY-MM-DD" of a real date: "2026-02-30" and "2026-1-5" are rejected.
std::optional<calendar_date> parse_calendar_date(std::string_view text);
std::string to_string(calendar_date date);
/// Days since 1970-01-01 (negative before).
long days_from_epoch(calendar_date date);
/// b - a in days.
long days_between(calendar_date a, calendar_date b);
calendar_date today_utc();

}  // namespace phiguard::policy
