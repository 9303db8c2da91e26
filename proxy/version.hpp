#pragma once
#include <string_view>

namespace phiguard::proxy {
/// The release version, from CMake's project(VERSION).
std::string_view version();
}  // namespace phiguard::proxy
