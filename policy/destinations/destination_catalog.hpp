#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policy/destinations/adblock_import.hpp"
#include "policy/destinations/destination.hpp"
#include "policy/destinations/list_database.hpp"
#include "policy/destinations/vendor.hpp"
#include "policy/destinations/vendor_catalog.hpp"

namespace phiguard::policy {

struct catalog_config {
    bool builtin_vendors = true;
    std::vector<vendor> extra_vendors;
    std::vector<std::filesystem::path> adblock_lists;
    std::optional<std::filesystem::path> cache_dir;  // compiled list databases live here
};

// The vendor catalogue and imported lists, compiled for classification.
// Immutable once built and shared by shared_ptr across threads; a reload builds
// a new one.
class destination_catalog {
public:
    // Throws std::runtime_error ("file:line: …") on unreadable or malformed input.
    static std::shared_ptr<const destination_catalog> build(const catalog_config& config);

    // `target` is the request target (path?query; an absolute URL is accepted);
    // empty means "/".
    destination classify(std::string_view host, std::string_view target) const;

    const std::vector<list_import_report>& import_reports() const { return reports_; }
    const std::vector<vendor>& vendors() const { return vendors_; }
    const list_database_stats& list_db_stats() const;
    const list_database_stats& exception_db_stats() const;

private:
    destination_catalog() = default;

    struct endpoint {
        std::string path;  // glob, starts with '/'
        int vendor;
        bool subdomains_only = false;  // from a `*.domain` vendor domain
    };
    // Everything known about one domain name, so one hash lookup per label of
    // the host answers vendor, endpoint and list questions together.
    struct site {
        int vendor = -1;
        bool vendor_subdomains_only = false;
        std::vector<endpoint> endpoints;
        int list_rule = -1;           // `||domain^` rule
        bool list_exception = false;  // `@@||domain^`
    };
    struct rule_info {
        std::string text;
        std::optional<category> cat;
    };
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept;
    };

    struct match_context;
    static bool in_domain(unsigned id, const void* context);

    site& site_for(const std::string& name) { return sites_[name]; }

    std::vector<vendor> vendors_;
    std::vector<list_import_report> reports_;
    std::unordered_map<std::string, site, string_hash, std::equal_to<>> sites_;
    std::vector<rule_info> rules_;
    struct pattern_ref {
        int rule;            // rules_ index
        std::string domain;  // host the match must fall in, when the rule names one
    };
    std::vector<pattern_ref> block_ids_, exception_ids_;  // database pattern id -> rule
    std::shared_ptr<const list_database> block_db_, exception_db_;
};

}  // namespace phiguard::policy
