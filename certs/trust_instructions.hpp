#pragma once

#include <filesystem>
#include <string>

namespace phiguard::certs {

/// How to make clients trust the CA certificate at cert: Debian/Ubuntu,
/// RHEL/Fedora, macOS, Windows (one machine and GPO), Firefox, runtimes that
/// bring their own store. Several lines, ready to print.
std::string trust_instructions(const std::filesystem::path& cert);

}  // namespace phiguard::certs
