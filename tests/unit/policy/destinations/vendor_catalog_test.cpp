#include "policy/destinations/vendor_catalog.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <stdexcept>
#include <string>

using namespace phiguard::policy;

namespace {

const vendor* find(const std::vector<vendor>& all, std::string_view id) {
    const auto it =
        std::find_if(all.begin(), all.end(), [&](const vendor& v) { return v.id == id; });
    return it == all.end() ? nullptr : &*it;
}

std::string error_of(std::string_view yaml) {
    try {
        parse_vendor_catalog(yaml, "test.yaml");
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return {};
}

}  // namespace

TEST_CASE("vendor_catalog: the built-in catalogue names the vendors health sites embed") {
    const auto all = parse_vendor_catalog(phiguard::embedded::vendors(), "vendors.yaml");
    for (const char* id : {"meta",
                           "google-analytics",
                           "google-ads",
                           "google-doubleclick",
                           "google-tag-manager",
                           "microsoft-uet",
                           "microsoft-clarity",
                           "tiktok",
                           "linkedin",
                           "x-twitter",
                           "pinterest",
                           "snap",
                           "reddit",
                           "adobe-analytics",
                           "hotjar",
                           "fullstory",
                           "quantum-metric",
                           "crazy-egg",
                           "segment",
                           "heap",
                           "mixpanel",
                           "amplitude",
                           "criteo",
                           "taboola",
                           "outbrain",
                           "the-trade-desk",
                           "yahoo",
                           "nextdoor",
                           "nextroll"}) {
        INFO(id);
        const vendor* v = find(all, id);
        REQUIRE(v != nullptr);
        CHECK_FALSE(v->organization.empty());
        CHECK_FALSE(v->domains.empty());
    }
    const vendor* meta = find(all, "meta");
    CHECK(meta->organization == "Meta Platforms, Inc.");
    CHECK(meta->cat == category::advertising);
    CHECK(std::find(meta->endpoints.begin(), meta->endpoints.end(), "facebook.com/tr") !=
          meta->endpoints.end());
    CHECK(find(all, "hotjar")->cat == category::session_replay);
    CHECK(find(all, "segment")->cat == category::cdp);
    CHECK(find(all, "google-tag-manager")->cat == category::tag_manager);
    CHECK(find(all, "mixpanel")->cat == category::analytics);
}

TEST_CASE("vendor_catalog: a minimal entry parses with its fields") {
    const auto v = parse_vendor_catalog(R"(vendors:
  - id: acme
    organization: Acme Analytics
    category: analytics
    domains: [acme.example, "*.acme-cdn.example"]
    endpoints: [acme.example/collect, /beacon]
)",
                                        "inline");
    REQUIRE(v.size() == 1);
    CHECK(v[0].id == "acme");
    CHECK(v[0].cat == category::analytics);
    CHECK(v[0].domains == std::vector<std::string>{"acme.example", "*.acme-cdn.example"});
    CHECK(v[0].endpoints == std::vector<std::string>{"acme.example/collect", "/beacon"});
}

TEST_CASE("vendor_catalog: mistakes are reported with file and line") {
    const auto bad_category = error_of(R"(vendors:
  - id: acme
    organization: Acme
    category: spying
    domains: [acme.example]
)");
    CHECK(bad_category.find("test.yaml:4:") == 0);
    CHECK(bad_category.find("unknown category `spying`") != std::string::npos);

    const auto no_domains =
        error_of("vendors:\n  - id: acme\n    organization: Acme\n    category: other\n");
    CHECK(no_domains.find("test.yaml:2:") == 0);
    CHECK(no_domains.find("domains") != std::string::npos);

    const auto upper = error_of(R"(vendors:
  - id: acme
    organization: Acme
    category: other
    domains: [Acme.Example]
)");
    CHECK(upper.find("bad domain `Acme.Example`") != std::string::npos);

    const auto duplicate = error_of(R"(vendors:
  - {id: a, organization: A, category: other, domains: [a.example]}
  - {id: a, organization: B, category: other, domains: [b.example]}
)");
    CHECK(duplicate.find("test.yaml:3:") == 0);
    CHECK(duplicate.find("duplicate vendor id a") != std::string::npos);

    const auto no_path = error_of(R"(vendors:
  - {id: a, organization: A, category: other, domains: [a.example], endpoints: [a.example]}
)");
    CHECK(no_path.find("needs a path") != std::string::npos);

    CHECK(error_of("vendors: [").find("test.yaml:") == 0);
    CHECK(error_of("other: 1\n").find("top-level `vendors:`") != std::string::npos);
}
