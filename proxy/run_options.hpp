#pragma once
#include <optional>
#include <string>
#include <vector>

#include "policy/config/config.hpp"

namespace phiguard::proxy {

/// `phiguard run` flags. Each overrides the same setting of the policy file:
/// --listen replaces the file's listeners; --resolve, --connect-to,
/// --allow-upstream and --upstream-ca add to the file's lists.
struct run_options {
    std::optional<std::string> config_file;
    std::vector<std::string> listen;
    std::vector<std::string> resolve;
    std::vector<std::string> connect_to;
    std::vector<std::string> allow_upstream;
    std::vector<std::string> upstream_ca;
    std::optional<std::string> access_log;
    std::optional<std::string> admin_listen;
    std::optional<std::string> alert_log;
    std::optional<std::string> mode;  ///< "enforce" or "monitor"
    std::optional<unsigned> threads;
    std::optional<std::string> ca_dir;
    std::optional<std::string> cache_dir;  ///< "" turns the database cache off
    bool no_intercept = false;
};

/// Applies the flags to cfg. Returns one message per invalid flag value.
std::vector<std::string> apply_run_options(const run_options& options, policy::config& cfg);

/// Loads the policy, applies the flags, sets up TLS and logs, and serves
/// until stopped. Returns the process exit code.
int run_proxy(const run_options& options);

}  // namespace phiguard::proxy
