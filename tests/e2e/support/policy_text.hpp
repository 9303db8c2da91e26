#pragma once
#include <cstddef>
#include <string>

// Helpers for tests that write policies and read what the proxy says about them:
// positions in YAML text, dates relative to today, lines of log output.
namespace phiguard::e2e {

/// "LINE:COLUMN" (1-based) of the first occurrence of `token` in `text`, as check-config
/// and the reload log print positions; the test fails if `token` is absent.
std::string position_of(const std::string& text, const std::string& token);
/// YYYY-MM-DD `days` from today (UTC): BAA dates that stay in force, or stay past, whenever
/// the suite runs.
std::string date_in_days(int days);
/// How many times `needle` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& needle);
/// The first line of `text` that contains `needle`, without its newline, or "".
std::string line_with(const std::string& text, const std::string& needle);

}  // namespace phiguard::e2e
