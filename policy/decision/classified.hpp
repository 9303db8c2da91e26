#pragma once
#include <string>

#include "policy/decision/baa.hpp"
#include "policy/destinations/destination.hpp"

namespace phiguard::policy {

struct destination_entry;

/// A request's destination seen through the policy: the catalogue's answer plus the
/// organisation's own entries and first-party list, on the day of the request.
struct classified {
    destination dest;
    /// Points into the engine's model: keep the engine's shared_ptr while in use.
    const destination_entry* entry = nullptr;
    baa_state baa = baa_state::none;
    bool third_party = true;
    bool tracker = false;
    category cat = category::other;
    std::string organization;  ///< entry name, else the catalogue vendor's organisation
};

}  // namespace phiguard::policy
