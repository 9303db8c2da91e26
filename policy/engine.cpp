#include "policy/engine.hpp"

#include <algorithm>
#include <cctype>

#include "policy/destinations/domain.hpp"

namespace phiguard::policy {
namespace {

bool is_tracking(category c) {
    return c != category::other;
}

bool same_method(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::toupper(static_cast<unsigned char>(x)) ==
                      std::toupper(static_cast<unsigned char>(y));
           });
}

template <class T>
bool listed(const std::vector<T>& list, const T& value) {
    return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

bool finding_matches(const rule_match& m, const finding& f) {
    return listed(m.kinds, f.kind) && listed(m.locations, f.where);
}

bool findings_match(const rule_match& m, const std::vector<finding>& findings) {
    if (m.phi && *m.phi != !findings.empty()) return false;
    if (m.kinds.empty() && m.locations.empty()) return true;
    return std::any_of(findings.begin(), findings.end(),
                       [&](const finding& f) { return finding_matches(m, f); });
}

}  // namespace

std::shared_ptr<const engine> engine::build(const policy_model& model, bool monitor,
                                            std::uint64_t generation) {
    std::shared_ptr<engine> e(new engine());
    e->model_ = model;
    e->monitor_ = monitor;
    e->generation_ = generation;
    e->detectors_ = detector_set::build(model.detectors, model.database_cache);
    if (model.catalog.cache_dir || !model.database_cache) {
        e->catalog_ = destination_catalog::build(model.catalog);
    } else {
        auto catalog = model.catalog;
        catalog.cache_dir = model.database_cache;
        e->catalog_ = destination_catalog::build(catalog);
    }
    return e;
}

classified engine::classify(std::string_view host, std::string_view target,
                            calendar_date today) const {
    classified c;
    c.dest = catalog_->classify(host, target);
    const std::string& name = c.dest.host;
    // The most specific pattern wins, so "fhir.epic.com" can override "epic.com".
    std::size_t best = 0;
    for (const auto& entry : model_.destinations) {
        for (const auto& pattern : entry.domains) {
            if (pattern.size() > best && domain_matches(name, pattern)) {
                best = pattern.size();
                c.entry = &entry;
            }
        }
    }
    c.third_party = std::none_of(model_.first_party.begin(), model_.first_party.end(),
                                 [&](const std::string& p) { return domain_matches(name, p); });
    c.cat = c.dest.cat;
    c.tracker = c.dest.is_tracker();
    if (c.dest.known) c.organization = c.dest.known->organization;
    if (c.entry) {
        // The organisation's own record outranks the catalogue: a vendor under BAA on a
        // domain some list calls a tracker is judged by its agreement.
        c.baa = state_at(c.entry->baa, today);
        c.organization = c.entry->name;
        if (c.entry->cat) {
            c.cat = *c.entry->cat;
            c.tracker = is_tracking(c.cat);
        } else if (c.entry->baa) {
            c.tracker = false;
        }
    }
    return c;
}

bool engine::static_part_matches(const rule_match& m, const classified& c,
                                 std::string_view method) {
    if (!listed(m.categories, c.cat)) return false;
    if (!listed(m.baa, c.baa)) return false;
    if (m.tracker && *m.tracker != c.tracker) return false;
    if (m.third_party && *m.third_party != c.third_party) return false;
    if (!m.destinations.empty()) {
        bool named =
            std::any_of(m.destinations.begin(), m.destinations.end(), [&](const std::string& d) {
                return (c.entry && c.entry->name == d) || (c.dest.known && c.dest.known->id == d);
            });
        if (!named) return false;
    }
    if (!m.methods.empty() &&
        std::none_of(m.methods.begin(), m.methods.end(),
                     [&](const std::string& x) { return same_method(x, method); }))
        return false;
    return true;
}

bool engine::needs_body(const classified& c, std::string_view method) const {
    bool seen[3] = {false, false, false};
    bool terminal = false;
    for (const auto& r : model_.rules) {
        if (!static_part_matches(r.match, c, method)) continue;
        seen[static_cast<int>(r.act)] = true;
        // The first rule that ignores findings ends the walk whatever the body holds.
        if (!r.match.uses_findings()) {
            terminal = true;
            break;
        }
    }
    if (!terminal) seen[static_cast<int>(action::allow)] = true;
    int outcomes = seen[0] + seen[1] + seen[2];
    // An alert is logged with its findings, so the body is worth reading even when it
    // cannot change the action.
    return outcomes > 1 || seen[static_cast<int>(action::alert)];
}

verdict engine::decide(const classified& c, std::string_view method,
                       const std::vector<finding>& findings) const {
    verdict v;
    for (const auto& r : model_.rules) {
        if (!static_part_matches(r.match, c, method) || !findings_match(r.match, findings))
            continue;
        v.configured = r.act;
        v.rule_id = r.id;
        v.rule_description = r.description;
        break;
    }
    if (v.rule_id.empty()) {
        // No rule matched: the table's last row.
        v.configured = action::allow;
        v.rule_id = "implicit-allow";
        v.rule_description = "no rule matched";
    }
    v.act = monitor_ && v.configured == action::block ? action::alert : v.configured;
    return v;
}

}  // namespace phiguard::policy
