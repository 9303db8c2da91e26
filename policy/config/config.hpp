#pragma once
#include <string>
#include <vector>

#include "policy/config/settings.hpp"
#include "policy/decision/policy_model.hpp"

namespace phiguard::policy {

/// TLS interception settings.
struct tls_settings {
    bool intercept = true;
    std::string ca_dir = "/var/lib/phiguard/ca";
    std::vector<std::string> no_intercept;  ///< domain patterns spliced, never decrypted
    std::vector<std::string> upstream_ca;   ///< extra trust anchors for origins
    std::size_t leaf_cache_size = 1000;
};

/// Everything one policy file configures, as plain data.
struct config {
    enum class enforcement { enforce, monitor };
    enforcement mode = enforcement::enforce;
    settings run;
    tls_settings tls;
    policy_model policy;  ///< destinations, BAAs, rules, detectors
};

}  // namespace phiguard::policy
