#include "policy/destinations/vendor_catalog.hpp"

#include <yaml-cpp/yaml.h>

#include <set>
#include <stdexcept>
#include <string>

namespace phiguard::policy {

namespace {

[[noreturn]] void fail(std::string_view source, const YAML::Node& at, const std::string& what) {
    std::string where{source};
    if (at.IsDefined() && !at.Mark().is_null()) {
        where +=
            ':' + std::to_string(at.Mark().line + 1) + ':' + std::to_string(at.Mark().column + 1);
    }
    throw std::runtime_error(where + ": " + what);
}

std::string scalar(std::string_view source, const YAML::Node& entry, const char* key) {
    const YAML::Node node = entry[key];
    if (!node || !node.IsScalar() || node.Scalar().empty()) {
        fail(source, node ? node : entry, std::string("vendor needs a non-empty `") + key + '`');
    }
    return node.Scalar();
}

std::vector<std::string> strings(std::string_view source, const YAML::Node& entry, const char* key,
                                 bool required) {
    std::vector<std::string> out;
    const YAML::Node node = entry[key];
    if (!node) {
        if (required) fail(source, entry, std::string("vendor needs `") + key + '`');
        return out;
    }
    if (!node.IsSequence()) fail(source, node, std::string("`") + key + "` must be a list");
    for (const auto& item : node) {
        if (!item.IsScalar() || item.Scalar().empty()) {
            fail(source, item, std::string("`") + key + "` entries must be non-empty strings");
        }
        out.push_back(item.Scalar());
    }
    if (required && out.empty()) fail(source, node, std::string("`") + key + "` is empty");
    return out;
}

// A pattern the classifier could never match is a catalogue bug, so say so at load.
void check_domain(std::string_view source, const YAML::Node& at, const std::string& d) {
    std::string_view bare = d;
    if (bare.starts_with("*.")) bare.remove_prefix(2);
    if (bare.empty() || bare.front() == '.' || bare.back() == '.' ||
        bare.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos) {
        fail(source, at, "bad domain `" + d + "` (lower-case host names, optional `*.` prefix)");
    }
}

}  // namespace

std::vector<vendor> parse_vendor_catalog(std::string_view yaml, std::string_view source_name) {
    YAML::Node root;
    try {
        root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
        throw std::runtime_error(std::string(source_name) + ':' + std::to_string(e.mark.line + 1) +
                                 ':' + std::to_string(e.mark.column + 1) + ": " + e.msg);
    }
    const YAML::Node list = root["vendors"];
    if (!list || !list.IsSequence())
        fail(source_name, root, "expected a top-level `vendors:` list");

    std::vector<vendor> out;
    std::set<std::string, std::less<>> ids;
    for (const auto& entry : list) {
        if (!entry.IsMap()) fail(source_name, entry, "each vendor must be a mapping");
        vendor v;
        v.id = scalar(source_name, entry, "id");
        if (!ids.insert(v.id).second) fail(source_name, entry["id"], "duplicate vendor id " + v.id);
        v.organization = scalar(source_name, entry, "organization");
        const std::string cat = scalar(source_name, entry, "category");
        const auto parsed = category_from_string(cat);
        if (!parsed) fail(source_name, entry["category"], "unknown category `" + cat + '`');
        v.cat = *parsed;
        v.domains = strings(source_name, entry, "domains", true);
        for (const auto& d : v.domains) check_domain(source_name, entry["domains"], d);
        v.endpoints = strings(source_name, entry, "endpoints", false);
        for (const auto& e : v.endpoints) {
            const auto slash = e.find('/');
            if (slash == std::string::npos) {
                fail(source_name, entry["endpoints"], "endpoint `" + e + "` needs a path");
            }
            if (slash > 0) check_domain(source_name, entry["endpoints"], e.substr(0, slash));
        }
        out.push_back(std::move(v));
    }
    return out;
}

}  // namespace phiguard::policy
