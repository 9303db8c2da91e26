#include "policy/destinations/adblock_import.hpp"

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace phiguard::policy {

namespace {

// Ghostery categories that describe tracking; the others (cdn, hosting,
// essential, misc, …) name infrastructure a proxy must not call a tracker.
std::optional<category> trackerdb_category(std::string_view name) {
    if (name == "advertising" || name == "pornvertising") return category::advertising;
    if (name == "site_analytics") return category::analytics;
    if (name == "social_media") return category::social;
    return std::nullopt;
}

std::string_view comment_value(std::string_view comment, std::string_view key) {
    const auto at = comment.find(key);
    if (at == std::string_view::npos) return {};
    comment.remove_prefix(at + key.size());
    return comment.substr(0, comment.find_first_of(" \t\r"));
}

}  // namespace

imported_list import_adblock_text(std::string_view text, std::string source) {
    imported_list out;
    out.report.source = std::move(source);
    std::set<std::string, std::less<>> disabled;

    struct pending_meta {
        bool present = false;
        std::string name;
    } meta;

    std::size_t line_no = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        auto end = text.find('\n', pos);
        if (end == std::string_view::npos) end = text.size();
        std::string_view line = text.substr(pos, end - pos);
        pos = end + 1;
        ++line_no;
        if (line.find('\0') != std::string_view::npos) {
            throw std::runtime_error(out.report.source + ':' + std::to_string(line_no) +
                                     ": NUL byte; not an adblock-syntax text list");
        }
        if (line.ends_with('\r')) line.remove_suffix(1);

        if (line.starts_with('!')) {
            const auto cat = comment_value(line, "trackerdb_category:");
            if (!cat.empty()) meta = {true, std::string(cat)};
            continue;
        }
        adblock_rule rule = parse_adblock_line(line);
        const pending_meta this_meta = std::exchange(meta, {});
        if (rule.k == adblock_rule::kind::none) continue;
        if (rule.k == adblock_rule::kind::skipped && rule.reason == "cosmetic") {
            ++out.report.skipped["cosmetic"];
            continue;
        }
        ++out.report.network_rules;
        if (rule.k == adblock_rule::kind::skipped) {
            ++out.report.skipped[rule.reason];
            continue;
        }
        if (rule.k == adblock_rule::kind::badfilter) {
            disabled.insert(rule.disables);
            ++out.report.skipped["badfilter (disables another rule)"];
            continue;
        }
        imported_rule r{std::move(rule), std::string(line), std::nullopt};
        if (this_meta.present) {
            r.cat = trackerdb_category(this_meta.name);
            if (!r.cat && !r.rule.exception) {
                ++out.report.skipped["trackerdb category not tracking: " + this_meta.name];
                continue;
            }
        }
        out.rules.push_back(std::move(r));
    }

    std::erase_if(out.rules, [&](const imported_rule& r) {
        if (!disabled.contains(r.text)) return false;
        ++out.report.skipped["disabled by badfilter"];
        return true;
    });
    for (const auto& r : out.rules) {
        ++out.report.compiled;
        if (r.rule.exception) ++out.report.exceptions;
        if (r.rule.k == adblock_rule::kind::host) ++out.report.host_rules;
    }
    return out;
}

imported_list import_adblock_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(path.string() + ":0: cannot open adblock list");
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad()) throw std::runtime_error(path.string() + ":0: error reading adblock list");
    return import_adblock_text(buf.str(), path.string());
}

}  // namespace phiguard::policy
