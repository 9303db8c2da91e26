#include "policy/config/duration.hpp"

#include <charconv>
#include <cstdint>

namespace phiguard::policy {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data()) return std::nullopt;
    std::string_view unit(end, static_cast<std::size_t>(text.data() + text.size() - end));
    std::uint64_t scale = 0;
    if (unit == "ms")
        scale = 1;
    else if (unit.empty() || unit == "s")
        scale = 1000;
    else if (unit == "m")
        scale = 60'000;
    else if (unit == "h")
        scale = 3'600'000;
    else
        return std::nullopt;
    if (value > (std::uint64_t{1} << 40) / scale) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(value * scale));
}

}  // namespace phiguard::policy
