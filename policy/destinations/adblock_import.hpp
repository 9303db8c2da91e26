#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/destinations/adblock_rule.hpp"
#include "policy/destinations/category.hpp"

namespace phiguard::policy {

// What one imported list contributed. `network_rules` counts every non-comment,
// non-cosmetic line; `compiled` those the catalogue evaluates (host rules,
// expressions and honoured exceptions); `skipped` says why the rest were not.
struct list_import_report {
    std::string source;
    std::size_t network_rules = 0, compiled = 0, host_rules = 0, exceptions = 0;
    std::map<std::string, std::size_t> skipped;
};

struct imported_rule {
    adblock_rule rule;
    std::string text;             // the line as written, for alerts
    std::optional<category> cat;  // from Ghostery trackerdb metadata, when present
};

struct imported_list {
    list_import_report report;
    std::vector<imported_rule> rules;
};

// Parses adblock-syntax text. Ghostery trackerdb comments
// (`! trackerdb_id:x trackerdb_category:advertising …`) give the next rule its
// category; rules of categories that are not tracking (cdn, hosting, misc, …)
// are skipped. Throws std::runtime_error("source:line: …") on binary input.
imported_list import_adblock_text(std::string_view text, std::string source);

// Reads and parses a list file; throws std::runtime_error naming the file when
// it cannot be read.
imported_list import_adblock_file(const std::filesystem::path& path);

}  // namespace phiguard::policy
