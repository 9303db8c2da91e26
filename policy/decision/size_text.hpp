#pragma once
#include <cstddef>
#include <optional>
#include <string_view>

namespace phiguard::policy {

/// "8MiB", "512KiB", "1GiB", "64KB" (decimal), "1048576" or "100B" -> bytes.
std::optional<std::size_t> parse_size(std::string_view text);

}  // namespace phiguard::policy
