#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "policy/config/diagnostic.hpp"
#include "policy/decision/calendar_date.hpp"
#include "policy/decision/policy_model.hpp"
#include "policy/engine.hpp"

namespace phiguard::policy {

/// One attempt at turning a read policy into a running generation.
struct compiled_policy {
    std::shared_ptr<const engine> built;  ///< null when the build itself failed
    std::vector<diagnostic> diagnostics;  ///< build failure and validate_policy() findings
    double compile_ms = 0;

    /// Safe to swap in: built and free of errors.
    bool ok() const { return built && !has_errors(diagnostics); }
};

/// Builds the engine (detectors and catalogue), then validates against it. Never throws
/// for a bad policy: a build failure becomes a diagnostic naming file. Meant to run off
/// the event loop (check-config, start-up, reload).
compiled_policy compile_policy(const policy_model& model, bool monitor, std::uint64_t generation,
                               calendar_date today, const std::string& file);

}  // namespace phiguard::policy
