#pragma once
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "policy/decision/calendar_date.hpp"
#include "policy/decision/classified.hpp"
#include "policy/decision/policy_model.hpp"
#include "policy/decision/verdict.hpp"
#include "policy/destinations/destination_catalog.hpp"
#include "policy/finding.hpp"
#include "policy/scan/detector_set.hpp"

namespace phiguard::policy {

/// One compiled policy generation: model, vendor catalogue and detectors. Immutable and
/// shared by shared_ptr across threads; a reload builds a new one and requests in flight
/// keep theirs.
class engine {
public:
    /// Throws std::runtime_error with the reason (a regex Hyperscan rejects, an
    /// unreadable tracker list).
    static std::shared_ptr<const engine> build(const policy_model& model, bool monitor,
                                               std::uint64_t generation);

    /// host may carry a port; target is the request target (origin-form or absolute URL).
    classified classify(std::string_view host, std::string_view target, calendar_date today) const;
    /// False when no finding could change the verdict or what is logged for this
    /// destination (a BAA in force, a first party): the proxy may stream the body unheld.
    bool needs_body(const classified& c, std::string_view method) const;
    verdict decide(const classified& c, std::string_view method,
                   const std::vector<finding>& findings) const;

    std::shared_ptr<const detector_set> detectors() const { return detectors_; }
    std::shared_ptr<const destination_catalog> catalog() const { return catalog_; }
    std::uint64_t generation() const { return generation_; }
    bool monitor() const { return monitor_; }
    const policy_model& model() const { return model_; }

private:
    engine() = default;
    /// Whether the rule's destination and method conditions hold.
    static bool static_part_matches(const rule_match& m, const classified& c,
                                    std::string_view method);

    policy_model model_;
    std::shared_ptr<const detector_set> detectors_;
    std::shared_ptr<const destination_catalog> catalog_;
    std::uint64_t generation_ = 0;
    bool monitor_ = false;
};

}  // namespace phiguard::policy
