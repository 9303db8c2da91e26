#include "policy/destinations/adblock_import.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

using namespace phiguard::policy;

namespace {

const std::filesystem::path lists = std::filesystem::path(PHIGUARD_TEST_DATA) / "lists";

const imported_rule* find(const imported_list& l, std::string_view text) {
    for (const auto& r : l.rules) {
        if (r.text == text) return &r;
    }
    return nullptr;
}

}  // namespace

TEST_CASE("adblock_import: the sample list reports every rule shape and skip reason") {
    const auto list = import_adblock_file(lists / "sample_rules.txt");
    const auto& rep = list.report;
    CHECK(rep.source.ends_with("sample_rules.txt"));
    CHECK(rep.network_rules == 30);
    CHECK(rep.compiled == 17);
    CHECK(rep.host_rules == 5);
    CHECK(rep.exceptions == 2);
    const std::map<std::string, std::size_t> expected{
        {"cosmetic", 3},
        {"badfilter (disables another rule)", 1},
        {"disabled by badfilter", 1},
        {"first-party only (~third-party)", 1},
        {"domain= option (initiating page unknown)", 1},
        {"unsupported option: csp", 1},
        {"unsupported option: removeparam", 1},
        {"regex rule", 1},
        {"exception narrowed by type", 1},
        {"page-level exception", 2},
        {"popup option", 1},
        {"anchored to a scheme or other URL part not seen by a proxy", 1},
        {"too generic (fewer than 3 literal characters)", 1},
    };
    CHECK(rep.skipped == expected);
    CHECK(list.rules.size() == rep.compiled);
    CHECK(find(list, "||tracker-one.example^") != nullptr);
    CHECK(find(list, "||disabled.example^") == nullptr);
    const auto* ex = find(list, "@@||tracker-one.example/allowed/path");
    REQUIRE(ex != nullptr);
    CHECK(ex->rule.exception);
    CHECK(ex->rule.k == adblock_rule::kind::pattern);
}

TEST_CASE("adblock_import: trackerdb comments set the category of the next rule only") {
    const auto list = import_adblock_file(lists / "sample_trackerdb.txt");
    CHECK(list.report.network_rules == 5);
    CHECK(list.report.compiled == 4);
    CHECK(list.report.host_rules == 3);
    CHECK(list.report.skipped.at("trackerdb category not tracking: cdn") == 1);
    CHECK(find(list, "||acme-ads.example^$3p")->cat == category::advertising);
    CHECK(find(list, "||acme-stats.example^")->cat == category::analytics);
    CHECK(find(list, "||acme-social.example/widget/")->cat == category::social);
    CHECK_FALSE(find(list, "||no-meta.example^")->cat.has_value());
    CHECK(find(list, "||acme-cdn.example^") == nullptr);
}

TEST_CASE("adblock_import: CRLF line ends parse like LF") {
    const auto list = import_adblock_text("! c\r\n||a.example^\r\n/b/track.js\r\n", "crlf");
    REQUIRE(list.rules.size() == 2);
    CHECK(list.rules[0].rule.host == "a.example");
    CHECK(list.rules[1].text == "/b/track.js");
}

TEST_CASE("adblock_import: unreadable or binary input is an error naming file and line") {
    CHECK_THROWS_WITH_AS(import_adblock_file(lists / "does-not-exist.txt"),
                         doctest::Contains("does-not-exist.txt:0: cannot open"),
                         std::runtime_error);
    const std::string binary = std::string("||a.example^\n||b.example^\nx\0y\n", 30);
    CHECK_THROWS_WITH_AS(import_adblock_text(binary, "blob.txt"),
                         "blob.txt:3: NUL byte; not an adblock-syntax text list",
                         std::runtime_error);
}
