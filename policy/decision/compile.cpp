#include "policy/decision/compile.hpp"

#include <chrono>
#include <stdexcept>

#include "policy/decision/validate.hpp"

namespace phiguard::policy {

compiled_policy compile_policy(const policy_model& model, bool monitor, std::uint64_t generation,
                               calendar_date today, const std::string& file) {
    compiled_policy out;
    const auto start = std::chrono::steady_clock::now();
    try {
        out.built = engine::build(model, monitor, generation);
    } catch (const std::exception& e) {
        out.diagnostics.push_back({file, 0, 0, diagnostic::severity::error, e.what()});
    }
    out.compile_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::shared_ptr<const destination_catalog> catalog;
    if (out.built) {
        catalog = out.built->catalog();
    } else {
        // A bad detector must not hide catalogue conflicts from check-config.
        try {
            catalog = destination_catalog::build(model.catalog);
        } catch (const std::exception&) {
        }
    }
    if (catalog) {
        auto found = validate_policy(model, *catalog, today);
        out.diagnostics.insert(out.diagnostics.end(), found.begin(), found.end());
    }
    return out;
}

}  // namespace phiguard::policy
