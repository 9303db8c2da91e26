#include "policy/config/policy_sections.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <set>
#include <sstream>

#include "policy/decision/domain_pattern.hpp"
#include "policy/decision/size_text.hpp"

namespace phiguard::policy {
namespace {

constexpr std::array<std::string_view, 9> section_keys{
    "destinations", "first_party", "rules",     "detectors", "tracker_lists",
    "body_limit",   "over_limit",  "alert_log", "includes"};

source_mark mark_of(const yaml_reader& r, const YAML::Node& node) {
    auto m = node.Mark();
    if (m.line < 0) return {r.file(), 0, 0};
    return {r.file(), m.line + 1, m.column + 1};
}

std::string category_names() {
    std::string names;
    for (auto c :
         {category::advertising, category::analytics, category::social, category::session_replay,
          category::tag_manager, category::cdp, category::other}) {
        if (!names.empty()) names += ", ";
        names += to_string(c);
    }
    return names;
}

/// Calls each(item) for a list, or for a lone scalar written in its place.
template <class Each>
void for_items(yaml_reader& r, const YAML::Node& node, const char* key, Each each) {
    if (!node || node.IsNull()) return;
    if (node.IsScalar()) return each(node);
    if (!node.IsSequence()) return r.error(node, std::string("'") + key + "' must be a list");
    for (const auto& item : node) {
        if (!item.IsScalar()) {
            r.error(item, std::string("items of '") + key + "' must be strings");
            continue;
        }
        each(item);
    }
}

std::optional<calendar_date> read_date(yaml_reader& r, const YAML::Node& map, const char* key) {
    auto node = map[key];
    if (!node) return std::nullopt;
    auto date = node.IsScalar() ? parse_calendar_date(node.Scalar()) : std::nullopt;
    if (!date) r.error(node, std::string("'") + key + "' must be a real date written YYYY-MM-DD");
    return date;
}

void read_domain_list(yaml_reader& r, const YAML::Node& node, const char* key,
                      std::vector<std::string>& out, std::vector<source_mark>* marks) {
    for_items(r, node, key, [&](const YAML::Node& item) {
        if (auto problem = domain_pattern_problem(item.Scalar())) {
            r.error(item, "domain pattern '" + item.Scalar() + "' can never match: " + *problem);
            return;
        }
        out.push_back(item.Scalar());
        if (marks) marks->push_back(mark_of(r, item));
    });
}

std::optional<baa_record> read_baa(yaml_reader& r, const YAML::Node& node) {
    if (!r.expect_map(node, "'baa'")) return std::nullopt;
    r.check_keys(node, {"status", "reference", "signed", "expires", "owner"}, "'baa'");
    baa_record baa;
    r.read(node, "status", baa.status);
    r.read(node, "reference", baa.reference);
    r.read(node, "owner", baa.owner);
    if (!node["status"]) {
        r.error(node, "'baa' needs a 'status' (signed, pending or terminated)");
    } else if (baa.status != "signed" && baa.status != "pending" && baa.status != "terminated") {
        auto near = nearest_word(baa.status, {"signed", "pending", "terminated"});
        r.error(node["status"], "BAA status '" + baa.status +
                                    "' must be signed, pending or terminated" +
                                    (near.empty() ? "" : "; did you mean '" + near + "'?"));
    }
    baa.signed_on = read_date(r, node, "signed");
    baa.expires = read_date(r, node, "expires");
    if (node["expires"]) baa.expires_at = mark_of(r, node["expires"]);
    if (baa.signed_on && baa.expires && *baa.expires < *baa.signed_on)
        r.error(node["expires"], "'expires' is before 'signed'");
    return baa;
}

void read_destinations(yaml_reader& r, const YAML::Node& node, policy_model& out) {
    if (!node || node.IsNull()) return;
    if (!node.IsSequence())
        return r.error(node, "'destinations' must be a list of destination records");
    for (const auto& item : node) {
        if (!r.expect_map(item, "a destination")) continue;
        r.check_keys(item, {"name", "domains", "category", "baa", "notes"}, "a destination");
        destination_entry entry;
        entry.at = mark_of(r, item);
        r.read(item, "name", entry.name);
        if (entry.name.empty()) r.error(item, "a destination needs a 'name'");
        if (!item["domains"]) r.error(item, "a destination needs 'domains'");
        read_domain_list(r, item["domains"], "domains", entry.domains, &entry.domain_marks);
        if (auto cat = item["category"]) {
            auto parsed = cat.IsScalar() ? category_from_string(cat.Scalar()) : std::nullopt;
            if (parsed)
                entry.cat = parsed;
            else
                r.error(cat, "unknown category '" + (cat.IsScalar() ? cat.Scalar() : "") +
                                 "'; expected one of " + category_names());
        }
        if (auto baa = item["baa"]) entry.baa = read_baa(r, baa);
        r.read(item, "notes", entry.notes);
        out.destinations.push_back(std::move(entry));
    }
}

template <class T, class Parse>
void read_enum_list(yaml_reader& r, const YAML::Node& node, const char* key, std::vector<T>& out,
                    Parse parse, const std::string& expected) {
    for_items(r, node, key, [&](const YAML::Node& item) {
        if (auto value = parse(item.Scalar()))
            out.push_back(*value);
        else
            r.error(item, "'" + item.Scalar() + "' is not a valid " + key + " value; expected " +
                              expected);
    });
}

std::optional<location_kind> location_from_string(std::string_view name) {
    for (auto k : {location_kind::request_line, location_kind::query, location_kind::header,
                   location_kind::body})
        if (name == to_string(k)) return k;
    return std::nullopt;
}

void read_optional_bool(yaml_reader& r, const YAML::Node& map, const char* key,
                        std::optional<bool>& out) {
    if (!map[key]) return;
    bool value = false;
    try {
        value = map[key].as<bool>();
    } catch (const YAML::Exception&) {
        r.error(map[key], std::string("'") + key + "' must be true or false");
        return;
    }
    out = value;
}

void read_match(yaml_reader& r, const YAML::Node& node, rule_match& m) {
    if (!r.expect_map(node, "'match'")) return;
    r.check_keys(node,
                 {"categories", "baa", "tracker", "third_party", "phi", "destinations", "kinds",
                  "locations", "methods"},
                 "a rule's 'match'");
    read_enum_list(r, node["categories"], "categories", m.categories, category_from_string,
                   category_names());
    read_enum_list(r, node["baa"], "baa", m.baa, baa_state_from_string, "none, in_force, expired");
    read_optional_bool(r, node, "tracker", m.tracker);
    read_optional_bool(r, node, "third_party", m.third_party);
    read_optional_bool(r, node, "phi", m.phi);
    r.read(node, "destinations", m.destinations);
    r.read(node, "kinds", m.kinds);
    read_enum_list(r, node["locations"], "locations", m.locations, location_from_string,
                   "request_line, query, header, body");
    r.read(node, "methods", m.methods);
    for (auto& method : m.methods)
        std::transform(method.begin(), method.end(), method.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
}

void read_rules(yaml_reader& r, const YAML::Node& node, policy_model& out) {
    if (!node || node.IsNull()) return;
    if (!node.IsSequence()) return r.error(node, "'rules' must be a list of rules");
    out.rules.clear();
    std::set<std::string> ids;
    for (const auto& item : node) {
        if (!r.expect_map(item, "a rule")) continue;
        r.check_keys(item, {"id", "description", "match", "action"}, "a rule");
        rule ru;
        ru.at = mark_of(r, item);
        r.read(item, "id", ru.id);
        r.read(item, "description", ru.description);
        if (ru.id.empty())
            r.error(item, "a rule needs an 'id' (alerts and 403 pages name it)");
        else if (!ids.insert(ru.id).second)
            r.error(item["id"], "duplicate rule id '" + ru.id + "'");
        read_match(r, item["match"], ru.match);
        auto act = item["action"];
        if (!act) {
            r.error(item, "a rule needs an 'action' (allow, alert or block)");
        } else if (auto parsed = act.IsScalar() ? action_from_string(act.Scalar()) : std::nullopt) {
            ru.act = *parsed;
        } else {
            std::string text = act.IsScalar() ? act.Scalar() : "";
            auto near = nearest_word(text, {"allow", "alert", "block"});
            r.error(act, "action '" + text + "' must be allow, alert or block" +
                             (near.empty() ? "" : "; did you mean '" + near + "'?"));
        }
        out.rules.push_back(std::move(ru));
    }
}

bool check_mrn_pattern(yaml_reader& r, const YAML::Node& item) {
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    // Same flags detector_set compiles custom MRN patterns with.
    if (hs_compile(item.Scalar().c_str(), HS_FLAG_SOM_LEFTMOST, HS_MODE_BLOCK, nullptr, &db,
                   &err) == HS_SUCCESS) {
        hs_free_database(db);
        return true;
    }
    r.error(item, "MRN pattern '" + item.Scalar() +
                      "' is rejected by Hyperscan: " + (err ? err->message : "compile failed"));
    if (err) hs_free_compile_error(err);
    return false;
}

template <class Extra>
void read_extras(yaml_reader& r, const YAML::Node& node, const char* key, const char* field,
                 std::vector<Extra>& out) {
    if (!node) return;
    if (!node.IsSequence())
        return r.error(
            node, std::string("'") + key + "' must be a list of {" + field + ", kind} records");
    for (const auto& item : node) {
        if (!r.expect_map(item, key)) continue;
        r.check_keys(item, {field, "kind"}, std::string("'") + key + "'");
        Extra e;
        std::string text, kind;
        r.read(item, field, text);
        r.read(item, "kind", kind);
        if (text.empty() || kind.empty()) {
            r.error(item,
                    std::string("each '") + key + "' record needs '" + field + "' and 'kind'");
            continue;
        }
        out.push_back({text, kind});
    }
}

void read_detectors(yaml_reader& r, const YAML::Node& node, detector_config& out) {
    if (!r.expect_map(node, "'detectors'")) return;
    r.check_keys(node,
                 {"disabled", "mrn_patterns", "extra_terms", "extra_keys", "min_confidence",
                  "max_decode_depth", "max_decoded_bytes", "max_inflate_ratio"},
                 "'detectors'");
    for_items(r, node["disabled"], "disabled", [&](const YAML::Node& item) {
        const std::initializer_list<std::string_view> known = {
            "ssn",   "phone", "credit_card", "npi",           "mbi", "ip_address", "dates",
            "icd10", "email", "base64",      "provider_name", "mrn", "phi_key",    "dictionary"};
        if (std::find(known.begin(), known.end(), item.Scalar()) == known.end()) {
            auto near = nearest_word(item.Scalar(), known);
            r.warning(item, "no detector is called '" + item.Scalar() + "'" +
                                (near.empty() ? "" : "; did you mean '" + near + "'?"));
        }
        out.disabled.push_back(item.Scalar());
    });
    for_items(r, node["mrn_patterns"], "mrn_patterns", [&](const YAML::Node& item) {
        // A rejected pattern is left out, so the build does not report it a second time.
        if (check_mrn_pattern(r, item)) out.mrn_patterns.push_back(item.Scalar());
    });
    read_extras(r, node["extra_terms"], "extra_terms", "term", out.extra_terms);
    read_extras(r, node["extra_keys"], "extra_keys", "key", out.extra_keys);
    if (auto c = node["min_confidence"]) {
        try {
            double v = c.as<double>();
            if (v < 0 || v > 1) throw YAML::BadConversion(c.Mark());
            out.min_confidence = v;
        } catch (const YAML::Exception&) {
            r.error(c, "'min_confidence' must be a number from 0 to 1");
        }
    }
    if (auto d = node["max_decode_depth"]) {
        unsigned depth = 0;
        r.read(node, "max_decode_depth", depth);
        if (depth > 16)
            r.error(d, "'max_decode_depth' above 16 only costs time");
        else
            out.max_decode_depth = static_cast<int>(depth);
    }
    if (auto b = node["max_decoded_bytes"]) {
        auto size = b.IsScalar() ? parse_size(b.Scalar()) : std::nullopt;
        if (size)
            out.max_decoded_bytes = *size;
        else
            r.error(b, "'max_decoded_bytes' must be a size such as 16MiB");
    }
    r.read(node, "max_inflate_ratio", out.max_inflate_ratio);
}

void read_tracker_lists(yaml_reader& r, const YAML::Node& node, const std::filesystem::path& base,
                        policy_model& out) {
    for_items(r, node, "tracker_lists", [&](const YAML::Node& item) {
        std::filesystem::path p(item.Scalar());
        if (p.is_relative()) p = base / p;
        std::error_code ec;
        if (!std::filesystem::is_regular_file(p, ec))
            r.error(item, "tracker list '" + p.string() + "' is not a readable file");
        out.catalog.adblock_lists.push_back(p);
    });
}

void read_list_sections(yaml_reader& r, const YAML::Node& root, const std::filesystem::path& base,
                        policy_model& out) {
    read_destinations(r, root["destinations"], out);
    read_domain_list(r, root["first_party"], "first_party", out.first_party, nullptr);
    read_tracker_lists(r, root["tracker_lists"], base, out);
}

void read_include(yaml_reader& parent, const YAML::Node& item, const std::filesystem::path& base,
                  policy_model& out, std::vector<diagnostic>& diagnostics) {
    std::filesystem::path file(item.Scalar());
    if (file.is_relative()) file = base / file;
    std::ifstream in(file, std::ios::binary);
    out.included_files.push_back(file);
    if (!in) return parent.error(item, "cannot read included file '" + file.string() + "'");
    std::ostringstream text;
    text << in.rdbuf();
    yaml_reader r(file.string(), diagnostics);
    try {
        auto root = YAML::Load(text.str());
        if (!root || root.IsNull()) return;
        if (!r.expect_map(root, "an included file")) return;
        r.check_keys(root, {"destinations", "first_party", "tracker_lists"}, "an included file");
        read_list_sections(r, root, file.parent_path(), out);
    } catch (const YAML::Exception& e) {
        diagnostics.push_back({file.string(), e.mark.line + 1, e.mark.column + 1,
                               diagnostic::severity::error, e.msg});
    }
}

void check_destination_names(const policy_model& out, std::vector<diagnostic>& diagnostics) {
    std::set<std::string> names;
    for (const auto& d : out.destinations) {
        if (!d.name.empty() && !names.insert(d.name).second)
            diagnostics.push_back({d.at.file, d.at.line, d.at.column, diagnostic::severity::error,
                                   "duplicate destination name '" + d.name + "'"});
    }
}

}  // namespace

std::span<const std::string_view> policy_section_keys() {
    return section_keys;
}

void read_policy_sections(yaml_reader& r, const YAML::Node& root, policy_model& out,
                          std::vector<diagnostic>& diagnostics) {
    if (!root || !root.IsMap()) return;  // the loader reports a root that is not a map
    const auto base = std::filesystem::path(r.file()).parent_path();
    read_list_sections(r, root, base, out);
    read_rules(r, root["rules"], out);
    if (auto d = root["detectors"]) read_detectors(r, d, out.detectors);
    if (auto b = root["body_limit"]) {
        auto size = b.IsScalar() ? parse_size(b.Scalar()) : std::nullopt;
        if (!size || *size == 0)
            r.error(b, "'body_limit' must be a size such as 8MiB, 512KiB or 1048576");
        else
            out.body_limit = *size;
    }
    if (auto o = root["over_limit"]) {
        auto act = o.IsScalar() ? action_from_string(o.Scalar()) : std::nullopt;
        if (act)
            out.over_limit = *act;
        else
            r.error(o, "'over_limit' must be block (fail closed), alert (stream and log) or allow");
    }
    r.read(root, "alert_log", out.alert_log);
    for_items(r, root["includes"], "includes",
              [&](const YAML::Node& item) { read_include(r, item, base, out, diagnostics); });
    check_destination_names(out, diagnostics);
}

policy_read read_policy_text(std::string_view yaml, const std::string& file_name) {
    policy_read result;
    yaml_reader r(file_name, result.diagnostics);
    try {
        read_policy_sections(r, YAML::Load(std::string(yaml)), result.model, result.diagnostics);
    } catch (const YAML::Exception& e) {
        result.diagnostics.push_back(
            {file_name, e.mark.line + 1, e.mark.column + 1, diagnostic::severity::error, e.msg});
    }
    return result;
}

policy_read read_policy_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        policy_read result;
        result.diagnostics.push_back(
            {file.string(), 0, 0, diagnostic::severity::error, "cannot read the file"});
        return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return read_policy_text(text.str(), file.string());
}

}  // namespace phiguard::policy
