#pragma once

#include <filesystem>
#include <iostream>

#include "certs/key.hpp"

namespace phiguard::proxy {

/// Where `phiguard ca …` and `run` look for the CA unless told otherwise.
inline constexpr const char* default_ca_dir = "/var/lib/phiguard/ca";

/// `phiguard ca init`: creates the CA in dir, prints where the certificate
/// and key are and how to trust the CA. 0 on success; 1 with the reason on
/// err when it refuses (an existing CA is never overwritten).
int cmd_ca_init(const std::filesystem::path& dir, certs::key_kind key, int validity_days,
                std::ostream& out = std::cout, std::ostream& err = std::cerr);

/// `phiguard ca show`: subject, SHA-256 fingerprint, validity and key of the
/// CA in dir, after the same checks `run` makes. 0, or 1 with the reason.
int cmd_ca_show(const std::filesystem::path& dir, std::ostream& out = std::cout,
                std::ostream& err = std::cerr);

}  // namespace phiguard::proxy
