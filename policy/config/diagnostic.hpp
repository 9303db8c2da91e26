#pragma once
#include <string>
#include <vector>

namespace phiguard::policy {

/// One problem found in a policy file, reported as `file:line:column: message`.
struct diagnostic {
    enum class severity { error, warning };
    std::string file;
    int line = 0;    ///< 1-based; 0 when unknown
    int column = 0;  ///< 1-based; 0 when unknown
    severity level = severity::error;
    std::string message;

    std::string to_string() const;
};

bool has_errors(const std::vector<diagnostic>& diagnostics);

}  // namespace phiguard::policy
