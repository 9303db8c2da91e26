#pragma once
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "policy/decision/action.hpp"
#include "policy/decision/baa.hpp"
#include "policy/decision/rule.hpp"
#include "policy/decision/source_mark.hpp"
#include "policy/destinations/category.hpp"
#include "policy/destinations/destination_catalog.hpp"
#include "policy/detect/detector_config.hpp"

namespace phiguard::policy {

/// A destination the organisation names itself: a vendor under BAA, or a
/// categorisation that overrides the catalogue for its domains.
struct destination_entry {
    std::string name;
    std::vector<std::string> domains;  ///< domain_matches() syntax
    std::optional<category> cat;
    std::optional<baa_record> baa;
    std::string notes;
    source_mark at;
    std::vector<source_mark> domain_marks;  ///< one per domain
};

/// The decision part of a policy file, as plain data.
struct policy_model {
    std::vector<destination_entry> destinations;
    std::vector<std::string> first_party;       ///< domain_matches() syntax
    std::vector<rule> rules = default_rules();  ///< ordered, first match wins
    detector_config detectors;
    catalog_config catalog;             ///< `tracker_lists` land in catalog.adblock_lists
    std::size_t body_limit = 8u << 20;  ///< request body bytes held for the scan
    action over_limit = action::block;  ///< fail closed past body_limit
    std::string alert_log;              ///< "" stderr, "-" stdout, "syslog", or a file path
    /// Compiled Hyperscan databases are kept here between starts and reloads; none: off.
    std::optional<std::filesystem::path> database_cache;
    /// Files read through `includes`, so a reload can watch them with the main file.
    std::vector<std::filesystem::path> included_files;
};

}  // namespace phiguard::policy
