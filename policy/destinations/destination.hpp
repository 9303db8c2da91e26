#pragma once

#include <string>

#include "policy/destinations/category.hpp"
#include "policy/destinations/vendor.hpp"

namespace phiguard::policy {

// Where a request goes, as far as the catalogue knows.
struct destination {
    std::string host;                // lower-cased request host
    std::string registrable_domain;  // Public Suffix List site, e.g. "facebook.com"
    // Catalogue vendor (longest matching domain, else a matching endpoint), or
    // null. Points into the catalogue that classified the request: keep its
    // shared_ptr while the destination is in use.
    const vendor* known = nullptr;
    bool collection_endpoint = false;  // host+path is a known collection endpoint
    bool listed = false;               // matched an imported adblock rule
    std::string list_rule;             // that rule's text, when listed
    category cat = category::other;    // vendor's, else the list's, else other

    bool is_tracker() const { return known != nullptr || listed; }
};

}  // namespace phiguard::policy
