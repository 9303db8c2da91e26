#pragma once
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "policy/config/config.hpp"
#include "policy/config/diagnostic.hpp"

namespace phiguard::policy {

/// A parsed policy plus every problem found in it. Loading never stops at the
/// first problem: check-config must be able to show them all at once.
struct load_result {
    config cfg;
    std::vector<diagnostic> diagnostics;
    bool ok() const { return !has_errors(diagnostics); }
};

load_result load_config_text(std::string_view yaml, const std::string& file_name);
load_result load_config_file(const std::filesystem::path& file);
/// The policy compiled into the binary (deploy/default-policy.yaml).
load_result load_default_config();

}  // namespace phiguard::policy
