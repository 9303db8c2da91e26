#include "e2e/support/policy_text.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace phiguard::e2e {

std::string position_of(const std::string& text, const std::string& token) {
    auto const at = text.find(token);
    REQUIRE_MESSAGE(at != std::string::npos, token);
    auto const line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
    auto const line_start = text.rfind('\n', at);
    auto const column = at - (line_start == std::string::npos ? 0 : line_start + 1) + 1;
    return std::to_string(line) + ":" + std::to_string(column);
}

std::string date_in_days(int days) {
    using namespace std::chrono;
    auto const day = floor<std::chrono::days>(system_clock::now()) + std::chrono::days(days);
    year_month_day const ymd{day};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

std::string line_with(const std::string& text, const std::string& needle) {
    auto const at = text.find(needle);
    if (at == std::string::npos) return {};
    auto const start = text.rfind('\n', at);
    auto const from = start == std::string::npos ? 0 : start + 1;
    return text.substr(from, text.find('\n', at) - from);
}

}  // namespace phiguard::e2e
