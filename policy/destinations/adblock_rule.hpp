#pragma once

#include <string>
#include <string_view>

namespace phiguard::policy {

// One adblock-syntax line, reduced to what a proxy can evaluate from the
// request alone (host + path + query). The proxy never knows the resource type
// or the page that caused a request, so type options are ignored (the rule
// then covers every type: a wider net suits a PHI guard) and rules that only
// apply on some initiating sites are skipped rather than applied everywhere.
struct adblock_rule {
    enum class kind {
        none,       // blank line or comment
        skipped,    // not evaluable here; `reason` says why
        host,       // `||domain^`: `host` and all its subdomains
        pattern,    // Hyperscan expression in `expression`, over host + path?query
        badfilter,  // disables the rule whose text is `disables`
    };
    kind k = kind::none;
    bool exception = false;  // `@@` rule: un-lists what it matches
    std::string host;
    // kind::pattern: a Hyperscan expression over the scan text (list_scan_marker
    // below). A `||` rule
    // that names its whole host is compiled without the anchor; `domain` then
    // holds that host and a match only counts when the request host is it or
    // one of its subdomains.
    std::string expression;
    std::string domain;
    std::string disables;
    std::string reason;
};

adblock_rule parse_adblock_line(std::string_view line);

// Expressions see "\x01" + host + path?query: the marker stands for the URL's
// scheme, so start anchors (`|https://`) become a literal Hyperscan handles
// cheaply, where `^` would cost compile time. Request hosts never contain it.
inline constexpr char list_scan_marker = '\x01';

// Hyperscan flags every list expression is compiled with.
unsigned adblock_expression_flags();

}  // namespace phiguard::policy
