#include "policy/destinations/adblock_rule.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace phiguard::policy;
using kind = adblock_rule::kind;

TEST_CASE("adblock_rule: ||domain^ becomes a host rule, whatever the type options") {
    for (const char* line :
         {"||tracker.example^", "||Tracker.Example^$third-party",
          "||tracker.example^$script,image,~xhr,important", "||tracker.example^|",
          "||tracker.example^$3p,domain=~news.example",
          "||tracker.example^$third-party,domain=~127.0.0.1|~[::1]|~localhost"}) {
        INFO(line);
        const auto r = parse_adblock_line(line);
        CHECK(r.k == kind::host);
        CHECK(r.host == "tracker.example");
        CHECK_FALSE(r.exception);
    }
    const auto ex = parse_adblock_line("@@||ok.example^");
    CHECK(ex.k == kind::host);
    CHECK(ex.exception);
}

TEST_CASE("adblock_rule: other shapes become escaped expressions over marker + host + path") {
    struct row {
        const char* line;
        const char* expression;
        const char* domain;  // host a match must fall in, checked in code
    };
    const row rows[] = {
        {"||pixel.example.net/collect/", "pixel\\x2eexample\\x2enet\\x2fcollect\\x2f",
         "pixel.example.net"},
        {"|https://beacon.example.org/hit?", "\\x01beacon\\x2eexample\\x2eorg\\x2fhit\\x3f", ""},
        {"/analytics/track.gif?", "\\x2fanalytics\\x2ftrack\\x2egif\\x3f", ""},
        {"||stats.*/beacon.js", "[\\x01.]stats\\x2e.*\\x2fbeacon\\x2ejs", ""},
        {"||adserver.example/ads^", "adserver\\x2eexample\\x2fads(?:[^0-9a-z_.%\\x2d]|$)",
         "adserver.example"},
        {"||cdn.example/a^b", "cdn\\x2eexample\\x2fa[^0-9a-z_.%\\x2d]b", "cdn.example"},
        {"||cdn.example^*/track.js", "cdn\\x2eexample[^0-9a-z_.%\\x2d].*\\x2ftrack\\x2ejs",
         "cdn.example"},
        {"/beacon.php|", "\\x2fbeacon\\x2ephp$", ""},
        {"*/track/*", "\\x2ftrack\\x2f", ""},
        {"://ads.example-cdn.com/", "\\x01ads\\x2eexample\\x2dcdn\\x2ecom\\x2f", ""},
        {"||tracker.example", "[\\x01.]tracker\\x2eexample", ""},       // also tracker.examples.com
        {"/addyn|*|adtech;", "\\x2faddyn\\x7c.*\\x7cadtech\\x3b", ""},  // inner `|` is literal
        {"/ads$&x=", "\\x2fads\\x24\\x26x\\x3d", ""},  // `$` before non-option text is literal
    };
    for (const auto& r : rows) {
        INFO(r.line);
        const auto rule = parse_adblock_line(r.line);
        REQUIRE(rule.k == kind::pattern);
        CHECK(rule.expression == r.expression);
        CHECK(rule.domain == r.domain);
    }
}

TEST_CASE("adblock_rule: what a proxy cannot evaluate is skipped with a reason") {
    struct row {
        const char* line;
        const char* reason;
    };
    const row rows[] = {
        {"example.com##.ad", "cosmetic"},
        {"example.com#@#.ad", "cosmetic"},
        {"example.com#?#div:-abp-has(.ad)", "cosmetic"},
        {"||a.example^$~third-party", "first-party only (~third-party)"},
        {"||a.example^$1p", "first-party only (~third-party)"},
        {"||a.example^$domain=news.example|~b.example", "domain= option (initiating page unknown)"},
        {"||a.example^$csp=default-src", "unsupported option: csp"},
        {"$csp=child-src 'none'; worker-src 'none',domain=a.example", "unsupported option: csp"},
        {"$ping,third-party", "too generic (fewer than 3 literal characters)"},
        {"||a.example^$removeparam=utm_source", "unsupported option: removeparam"},
        {"/^https?:\\/\\/regex\\.example\\//", "regex rule"},
        {"@@||a.example^$script", "exception narrowed by type"},
        {"@@||a.example^$document", "page-level exception"},
        {"@@||a.example^$generichide", "page-level exception"},
        {"||a.example^$popup", "popup option"},
        {"|javascript:void", "anchored to a scheme or other URL part not seen by a proxy"},
        {"ab", "too generic (fewer than 3 literal characters)"},
        {"*", "too generic (fewer than 3 literal characters)"},
    };
    for (const auto& r : rows) {
        INFO(r.line);
        const auto rule = parse_adblock_line(r.line);
        CHECK(rule.k == kind::skipped);
        CHECK(rule.reason == r.reason);
    }
}

TEST_CASE("adblock_rule: comments and blanks are nothing; badfilter names its target") {
    CHECK(parse_adblock_line("").k == kind::none);
    CHECK(parse_adblock_line("   ").k == kind::none);
    CHECK(parse_adblock_line("! Title: x").k == kind::none);
    CHECK(parse_adblock_line("[Adblock Plus 2.0]").k == kind::none);
    const auto bf = parse_adblock_line("||a.example^$script,badfilter");
    CHECK(bf.k == kind::badfilter);
    CHECK(bf.disables == "||a.example^$script");
    const auto bf_ex = parse_adblock_line("@@||a.example^$badfilter");
    CHECK(bf_ex.disables == "@@||a.example^");
}
