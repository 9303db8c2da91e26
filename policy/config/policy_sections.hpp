#pragma once
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/config/diagnostic.hpp"
#include "policy/config/yaml_reader.hpp"
#include "policy/decision/policy_model.hpp"

namespace phiguard::policy {

/// The top-level keys read_policy_sections() owns, for the loader's unknown-key check.
std::span<const std::string_view> policy_section_keys();

/// Reads the decision sections of a policy file (destinations, first_party, rules,
/// detectors, tracker_lists, body_limit, over_limit, alert_log, includes) from root into
/// out, reporting every mistake at its line and column and keeping defaults for what
/// fails. Other top-level keys are left alone. Included files and tracker lists resolve
/// relative to the directory of r.file(); problems in an included file are reported at
/// that file's line:column, which is why diagnostics is passed as well.
void read_policy_sections(yaml_reader& r, const YAML::Node& root, policy_model& out,
                          std::vector<diagnostic>& diagnostics);

/// Only the decision sections of a policy text, for tools and tests that do not need the
/// rest of the config.
struct policy_read {
    policy_model model;
    std::vector<diagnostic> diagnostics;
    bool ok() const { return !has_errors(diagnostics); }
};
policy_read read_policy_text(std::string_view yaml, const std::string& file_name);
policy_read read_policy_file(const std::filesystem::path& file);

}  // namespace phiguard::policy
