#include "policy/decision/size_text.hpp"

#include <array>
#include <limits>
#include <utility>

namespace phiguard::policy {

std::optional<std::size_t> parse_size(std::string_view text) {
    std::size_t i = 0, value = 0;
    constexpr auto max = std::numeric_limits<std::size_t>::max();
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        auto digit = static_cast<std::size_t>(text[i] - '0');
        if (value > (max - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
    }
    if (i == 0) return std::nullopt;
    auto unit = text.substr(i);
    if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    constexpr std::array<std::pair<std::string_view, std::size_t>, 9> units{{
        {"", 1},
        {"B", 1},
        {"KB", 1000},
        {"KiB", std::size_t{1} << 10},
        {"MB", 1000 * 1000},
        {"MiB", std::size_t{1} << 20},
        {"GB", 1000 * 1000 * 1000},
        {"GiB", std::size_t{1} << 30},
        {"k", std::size_t{1} << 10},
    }};
    for (const auto& [name, scale] : units) {
        if (name != unit) continue;
        if (value > max / scale) return std::nullopt;
        return value * scale;
    }
    return std::nullopt;
}

}  // namespace phiguard::policy
