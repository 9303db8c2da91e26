#include "policy/config/check_report.hpp"

#include <cstdio>

#include "policy/decision/validate.hpp"

namespace phiguard::policy {
namespace {

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

std::string check_report(const policy_model& model, const std::vector<diagnostic>& diagnostics,
                         const engine* built, double compile_ms, calendar_date today) {
    std::string out;
    std::size_t errors = 0, warnings = 0;
    for (const auto& d : diagnostics) {
        out += d.to_string() + "\n";
        (d.level == diagnostic::severity::error ? errors : warnings)++;
    }
    std::size_t with_baa = 0, in_force = 0, expiring = 0;
    for (const auto& d : model.destinations) {
        if (!d.baa) continue;
        ++with_baa;
        if (state_at(d.baa, today) != baa_state::in_force) continue;
        ++in_force;
        if (d.baa->expires && days_between(today, *d.baa->expires) <= baa_warning_days) ++expiring;
    }
    out += "destinations: " + std::to_string(model.destinations.size()) + " (" +
           plural(with_baa, "with a BAA", "with a BAA") + ", " +
           plural(in_force, "BAA in force", "BAAs in force") + ", " + std::to_string(expiring) +
           " expiring within " + std::to_string(baa_warning_days) + " days)\n";
    out += "first party: " + plural(model.first_party.size(), "domain", "domains") +
           "; rules: " + std::to_string(model.rules.size()) + "\n";
    if (built) {
        const auto& det = *built->detectors();
        const auto& cat = *built->catalog();
        char ms[32];
        std::snprintf(ms, sizeof ms, "%.1f", compile_ms);
        out += "detectors: " + plural(det.pattern_count(), "pattern", "patterns") + " compiled (" +
               std::to_string(det.database_bytes() / 1024) + " KiB)";
        std::size_t list_patterns =
            cat.list_db_stats().patterns + cat.exception_db_stats().patterns;
        out += "; catalogue: " + plural(cat.vendors().size(), "vendor", "vendors") + ", " +
               plural(cat.import_reports().size(), "tracker list", "tracker lists") + " (" +
               plural(list_patterns, "pattern", "patterns") + "); compiled in " + ms + " ms\n";
    } else {
        out += "not compiled\n";
    }
    if (errors == 0)
        out += "OK (" + plural(warnings, "warning", "warnings") + ")\n";
    else
        out += "FAILED: " + plural(errors, "error", "errors") + ", " +
               plural(warnings, "warning", "warnings") + "\n";
    return out;
}

}  // namespace phiguard::policy
