#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace phiguard::proxy {

/// Builds one JSON object on one line, for the access and alert logs.
/// Strings are escaped so that no input (a hostile Host header, say) can
/// break the line structure a SIEM relies on.
class json_line {
public:
    json_line& add(std::string_view key, std::string_view value);
    json_line& add(std::string_view key, const char* value) {
        return add(key, std::string_view(value));
    }
    json_line& add(std::string_view key, std::int64_t value);
    json_line& add(std::string_view key, std::uint64_t value);
    json_line& add(std::string_view key, int value) { return add(key, std::int64_t{value}); }
    json_line& add(std::string_view key, unsigned value) { return add(key, std::uint64_t{value}); }
    json_line& add(std::string_view key, double value);
    json_line& add(std::string_view key, bool value);
    /// Adds a value that is already valid JSON (an array or object).
    json_line& add_raw(std::string_view key, std::string_view json);

    /// The object with a trailing newline.
    std::string str() const { return body_ + "}\n"; }
    /// The object alone, to nest inside another with add_raw().
    std::string object() const { return body_ + "}"; }

    static void escape(std::string& out, std::string_view text);

private:
    void key(std::string_view k);
    std::string body_ = "{";
};

/// Current UTC time as 2026-11-24T05:59:01.123Z.
std::string utc_timestamp();

}  // namespace phiguard::proxy
