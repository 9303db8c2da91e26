#pragma once
// Finding and reading a running phiguard's admin listener (shared by admin_test and
// deploy_test).
#include <chrono>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>

#include "e2e/support/curl.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/proxy_process.hpp"

namespace phiguard::e2e {

/// The port from the "admin listener on ADDR:PORT" line; throws if none appears in 10 s.
inline std::uint16_t admin_port(proxy_process& p) {
    std::string const marker = "admin listener on ";
    std::string text;
    std::string digits;
    bool const found = wait_until(
        [&] {
            text = p.stderr_text();
            auto const at = text.find(marker);
            if (at == std::string::npos) return false;
            auto const end = text.find('\n', at);
            if (end == std::string::npos) return false;  // line not complete yet
            auto const line = text.substr(at + marker.size(), end - at - marker.size());
            digits = line.substr(line.rfind(':') + 1);
            return !digits.empty();
        },
        std::chrono::seconds(10));
    if (!found) throw std::runtime_error("no admin listener announced; stderr:\n" + text);
    return static_cast<std::uint16_t>(std::stoul(digits));
}

/// GET http://127.0.0.1:PORT/path without a proxy.
inline curl_result admin_get(std::uint16_t port, const std::string& path) {
    return curl("", {"http://127.0.0.1:" + std::to_string(port) + path}, std::chrono::seconds(10));
}

/// The value of one series (name with labels, exactly as rendered) in exposition text; -1 when
/// absent.
inline double metric_value(const std::string& text, const std::string& series) {
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line))
        if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
            line[series.size()] == ' ')
            return std::stod(line.substr(series.size() + 1));
    return -1;
}

/// metric_value(), but 0 for an absent series: counters such as phiguard_alerts_total only
/// show label pairs seen so far, so "absent" before a batch means "zero".
inline double metric_or_zero(const std::string& text, const std::string& series) {
    auto const v = metric_value(text, series);
    return v < 0 ? 0 : v;
}

/// The sum of every sample of a labelled family ("phiguard_alerts_total" adds up all its
/// phi_kind/category pairs); HELP and TYPE lines and other families are not counted.
inline double metric_sum(const std::string& text, const std::string& family) {
    std::istringstream in(text);
    std::string line;
    double total = 0;
    auto const prefix = family + "{";
    while (std::getline(in, line)) {
        if (line.compare(0, prefix.size(), prefix) != 0) continue;
        auto const space = line.rfind(' ');
        if (space != std::string::npos) total += std::stod(line.substr(space + 1));
    }
    return total;
}

}  // namespace phiguard::e2e
