#include "policy/decision/calendar_date.hpp"

#include <chrono>
#include <cstdio>

namespace phiguard::policy {

std::optional<calendar_date> parse_calendar_date(std::string_view text) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    auto number = [&](std::size_t at, std::size_t n) {
        int value = 0;
        for (std::size_t i = at; i < at + n; ++i) {
            if (text[i] < '0' || text[i] > '9') return -1;
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    calendar_date date{number(0, 4), number(5, 2), number(8, 2)};
    if (date.y < 0 || date.m < 0 || date.d < 0) return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year{date.y},
                                    std::chrono::month{static_cast<unsigned>(date.m)},
                                    std::chrono::day{static_cast<unsigned>(date.d)}};
    if (!ymd.ok()) return std::nullopt;
    return date;
}

std::string to_string(calendar_date date) {
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.y, date.m, date.d);
    return text;
}

long days_from_epoch(calendar_date date) {
    std::chrono::year_month_day ymd{std::chrono::year{date.y},
                                    std::chrono::month{static_cast<unsigned>(date.m)},
                                    std::chrono::day{static_cast<unsigned>(date.d)}};
    return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

long days_between(calendar_date a, calendar_date b) {
    return days_from_epoch(b) - days_from_epoch(a);
}

calendar_date today_utc() {
    std::chrono::year_month_day ymd{
        std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
    return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
            static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

}  // namespace phiguard::policy
