#pragma once

#include <span>
#include <string>
#include <string_view>

namespace phiguard::policy {

// Lower-cases a request host and drops what is not part of the name: a port,
// IPv6 brackets' port, a trailing root dot.
std::string normalize_host(std::string_view host);

// The label a browser calls "the site", from the Public Suffix List (libpsl,
// ICANN and private sections): "a.b.example.co.uk" -> "example.co.uk",
// "user.github.io" -> "user.github.io". IP literals and single labels return
// themselves; a host that is itself a public suffix ("co.uk") returns "".
std::string registrable_domain(std::string_view host);

// registrable_domain() for a host already passed through normalize_host(),
// saving the classifier a second pass over it.
std::string registrable_domain_normalized(const std::string& host);

// True when host belongs to the same registrable domain as one of the first
// parties (each itself a host or domain).
bool same_site(std::string_view host, std::span<const std::string> first_party_domains);

// "example.com" matches itself and every subdomain; "*.example.com" only
// subdomains. Label boundaries are respected: "notexample.com" never matches.
bool domain_matches(std::string_view host, std::string_view pattern);

}  // namespace phiguard::policy
