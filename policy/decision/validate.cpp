#include "policy/decision/validate.hpp"

namespace phiguard::policy {
namespace {

diagnostic at(const source_mark& m, diagnostic::severity level, std::string message) {
    return {m.file, m.line, m.column, level, std::move(message)};
}

void check_tracker_conflict(const destination_entry& d, const destination_catalog& catalog,
                            std::vector<diagnostic>& out) {
    if (d.cat && *d.cat != category::other) {
        out.push_back(at(d.at, diagnostic::severity::error,
                         "destination '" + d.name + "' has a BAA but category '" +
                             std::string(to_string(*d.cat)) +
                             "' makes it a tracker; a destination cannot be both"));
    }
    for (std::size_t i = 0; i < d.domains.size(); ++i) {
        std::string_view domain = d.domains[i];
        const bool subdomains = domain.starts_with("*.");
        if (subdomains) domain.remove_prefix(2);
        // A "*." pattern covers subdomains only; probe one, since some vendors are listed
        // that way too.
        auto probe = catalog.classify(subdomains ? "www." + std::string(domain) : domain, "/");
        if (!probe.is_tracker()) continue;
        std::string who = probe.known
                              ? "the vendor catalogue lists it as " + probe.known->organization +
                                    " (" + std::string(to_string(probe.cat)) + ")"
                              : "tracker list rule '" + probe.list_rule + "' blocks it";
        const source_mark& m = i < d.domain_marks.size() ? d.domain_marks[i] : d.at;
        out.push_back(at(m, diagnostic::severity::error,
                         "destination '" + d.name + "' has a BAA but '" + d.domains[i] +
                             "' is a tracker: " + who + "; a destination cannot be both"));
    }
}

void check_expiry(const destination_entry& d, calendar_date today, std::vector<diagnostic>& out) {
    const auto& baa = *d.baa;
    if (baa.status != "signed" || !baa.expires) return;
    const long days = days_between(today, *baa.expires);
    const std::string when = to_string(*baa.expires);
    if (days < 0) {
        out.push_back(at(baa.expires_at, diagnostic::severity::warning,
                         "BAA of '" + d.name + "' expired on " + when +
                             ": it counts as no BAA, PHI to it is blocked"));
    } else if (days <= baa_warning_days) {
        out.push_back(at(baa.expires_at, diagnostic::severity::warning,
                         "BAA of '" + d.name + "' expires on " + when + " (in " +
                             std::to_string(days) + (days == 1 ? " day" : " days") +
                             "); renew it or PHI to it will be blocked"));
    }
}

}  // namespace

std::vector<diagnostic> validate_policy(const policy_model& model,
                                        const destination_catalog& catalog, calendar_date today) {
    std::vector<diagnostic> out;
    for (const auto& d : model.destinations) {
        if (!d.baa) continue;
        check_tracker_conflict(d, catalog, out);
        check_expiry(d, today, out);
    }
    return out;
}

}  // namespace phiguard::policy
