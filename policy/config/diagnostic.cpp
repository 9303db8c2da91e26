#include "policy/config/diagnostic.hpp"

#include <algorithm>

namespace phiguard::policy {

std::string diagnostic::to_string() const {
    std::string out = file;
    if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
    out += level == severity::error ? ": error: " : ": warning: ";
    out += message;
    return out;
}

bool has_errors(const std::vector<diagnostic>& diagnostics) {
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const diagnostic& d) { return d.level == diagnostic::severity::error; });
}

}  // namespace phiguard::policy
