#include "policy/config/yaml_reader.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include "policy/config/duration.hpp"

namespace phiguard::policy {
namespace {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t up = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = up;
        }
    }
    return row[b.size()];
}

template <class Int>
bool read_integer(yaml_reader& r, const YAML::Node& node, Int& out, const char* key) {
    try {
        auto text = node.as<std::string>();
        if (text.empty() || text[0] == '-') throw YAML::BadConversion(node.Mark());
        out = node.as<Int>();
        return true;
    } catch (const YAML::Exception&) {
        r.error(node, std::string("'") + key + "' must be a non-negative whole number");
        return false;
    }
}

}  // namespace

std::string nearest_word(std::string_view word, std::span<const std::string_view> candidates) {
    std::string best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (auto c : candidates) {
        auto d = edit_distance(word, c);
        if (d < best_distance) {
            best_distance = d;
            best = std::string(c);
        }
    }
    // Only a plausible typo earns a suggestion.
    return best_distance <= std::max<std::size_t>(2, word.size() / 3) ? best : std::string{};
}

void yaml_reader::add(const YAML::Node& at, diagnostic::severity level, std::string message) {
    auto mark = at.Mark();
    bool known = mark.line >= 0;  // yaml-cpp's null mark is -1
    out_.push_back(
        {file_, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0, level, std::move(message)});
}

void yaml_reader::error(const YAML::Node& at, std::string message) {
    add(at, diagnostic::severity::error, std::move(message));
}

void yaml_reader::warning(const YAML::Node& at, std::string message) {
    add(at, diagnostic::severity::warning, std::move(message));
}

bool yaml_reader::expect_map(const YAML::Node& node, std::string_view what) {
    if (!node || node.IsNull()) return false;
    if (node.IsMap()) return true;
    error(node, std::string(what) + " must be a mapping of keys to values");
    return false;
}

void yaml_reader::check_keys(const YAML::Node& map, std::span<const std::string_view> known,
                             std::string_view section) {
    // yaml-cpp keeps duplicate keys and lookups see only the first, so a
    // second "allow:" further down would be silently ignored.
    std::vector<std::pair<std::string, int>> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
        auto key = it->first.Scalar();
        auto first =
            std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == key; });
        if (first != seen.end()) {
            error(it->first, "duplicate key '" + key + "' in " + std::string(section) +
                                 "; only the first, on line " + std::to_string(first->second) +
                                 ", would be used");
            continue;
        }
        seen.emplace_back(key, it->first.Mark().line + 1);
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        std::string message = "unknown key '" + key + "' in " + std::string(section);
        auto near = nearest_word(key, known);
        if (!near.empty()) message += "; did you mean '" + near + "'?";
        error(it->first, message);
    }
}

void yaml_reader::read(const YAML::Node& map, const char* key, std::string& out) {
    auto node = map[key];
    if (!node) return;
    if (!node.IsScalar()) return error(node, std::string("'") + key + "' must be a string");
    out = node.Scalar();
}

void yaml_reader::read(const YAML::Node& map, const char* key, bool& out) {
    auto node = map[key];
    if (!node) return;
    try {
        out = node.as<bool>();
    } catch (const YAML::Exception&) {
        error(node, std::string("'") + key + "' must be true or false");
    }
}

void yaml_reader::read(const YAML::Node& map, const char* key, std::size_t& out) {
    if (auto node = map[key]) read_integer(*this, node, out, key);
}

void yaml_reader::read(const YAML::Node& map, const char* key, unsigned& out) {
    if (auto node = map[key]) read_integer(*this, node, out, key);
}

void yaml_reader::read(const YAML::Node& map, const char* key, std::chrono::milliseconds& out) {
    auto node = map[key];
    if (!node) return;
    auto value = node.IsScalar() ? parse_duration(node.Scalar()) : std::nullopt;
    if (!value)
        return error(node,
                     std::string("'") + key + "' must be a duration such as 500ms, 30s, 5m or 1h");
    out = *value;
}

void yaml_reader::read(const YAML::Node& map, const char* key, std::vector<std::string>& out) {
    auto node = map[key];
    if (!node) return;
    if (node.IsScalar()) {
        out = {node.Scalar()};
        return;
    }
    if (!node.IsSequence()) return error(node, std::string("'") + key + "' must be a list");
    out.clear();
    for (const auto& item : node) {
        if (!item.IsScalar()) {
            error(item, std::string("items of '") + key + "' must be strings");
            continue;
        }
        out.push_back(item.Scalar());
    }
}

void yaml_reader::read(const YAML::Node& map, const char* key, std::vector<std::uint16_t>& out) {
    auto node = map[key];
    if (!node) return;
    if (!node.IsSequence())
        return error(node, std::string("'") + key + "' must be a list of ports");
    out.clear();
    for (const auto& item : node) {
        unsigned port = 0;
        if (!read_integer(*this, item, port, key)) continue;
        if (port == 0 || port > 65535) {
            error(item, std::string("'") + key + "' holds an invalid port number");
            continue;
        }
        out.push_back(static_cast<std::uint16_t>(port));
    }
}

}  // namespace phiguard::policy
