#pragma once
#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/config/diagnostic.hpp"

namespace phiguard::policy {

/// Reads typed values out of a YAML tree and turns every mistake into a
/// diagnostic at the offending node's line and column, then carries on, so
/// one pass reports all problems. Values that fail to read keep their default.
class yaml_reader {
public:
    yaml_reader(std::string file, std::vector<diagnostic>& out)
        : file_(std::move(file)), out_(out) {}

    void error(const YAML::Node& at, std::string message);
    void warning(const YAML::Node& at, std::string message);

    /// False (and an error) unless node is a map; a missing node is fine.
    bool expect_map(const YAML::Node& node, std::string_view what);
    /// Reports each key of map not in known, with the nearest known key, and
    /// every repeated key.
    void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> known,
                    std::string_view section) {
        check_keys(map, std::span<const std::string_view>(known.begin(), known.size()), section);
    }
    void check_keys(const YAML::Node& map, std::span<const std::string_view> known,
                    std::string_view section);

    void read(const YAML::Node& map, const char* key, std::string& out);
    void read(const YAML::Node& map, const char* key, bool& out);
    void read(const YAML::Node& map, const char* key, std::size_t& out);
    void read(const YAML::Node& map, const char* key, unsigned& out);
    void read(const YAML::Node& map, const char* key, std::chrono::milliseconds& out);
    void read(const YAML::Node& map, const char* key, std::vector<std::string>& out);
    void read(const YAML::Node& map, const char* key, std::vector<std::uint16_t>& out);

    const std::string& file() const { return file_; }

private:
    void add(const YAML::Node& at, diagnostic::severity level, std::string message);

    std::string file_;
    std::vector<diagnostic>& out_;
};

/// The candidate closest to word by edit distance, or "" when none is close.
std::string nearest_word(std::string_view word, std::span<const std::string_view> candidates);
inline std::string nearest_word(std::string_view word,
                                std::initializer_list<std::string_view> candidates) {
    return nearest_word(word,
                        std::span<const std::string_view>(candidates.begin(), candidates.size()));
}

}  // namespace phiguard::policy
