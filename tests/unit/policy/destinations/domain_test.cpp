#include "policy/destinations/domain.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace phiguard::policy;

TEST_CASE("domain: registrable domains come from the Public Suffix List") {
    struct row {
        const char* host;
        const char* site;
    };
    const row rows[] = {
        {"www.facebook.com", "facebook.com"},
        {"region1.google-analytics.com", "google-analytics.com"},
        {"a.b.example.co.uk", "example.co.uk"},
        {"example.co.uk", "example.co.uk"},
        {"shop.example.com.au", "example.com.au"},
        {"portal.nhs.uk", "portal.nhs.uk"},    // nhs.uk is itself a suffix
        {"user.github.io", "user.github.io"},  // private section
        {"cdn.user.github.io", "user.github.io"},
        {"bucket.s3.amazonaws.com", "bucket.s3.amazonaws.com"},
        {"WWW.Example.COM.", "example.com"},      // case and root dot
        {"www.example.com:8443", "example.com"},  // port
        {"co.uk", ""},                            // a suffix has no site
        {"github.io", ""},
        {"192.0.2.7", "192.0.2.7"},  // IP literals stand for themselves
        {"[2001:db8::1]:443", "2001:db8::1"},
        {"localhost", "localhost"},
    };
    for (const auto& r : rows) {
        INFO(r.host);
        CHECK(registrable_domain(r.host) == r.site);
    }
}

TEST_CASE("domain: same_site compares registrable domains") {
    const std::vector<std::string> first_party{"portal.examplehealth.org", "examplehealth.co.uk"};
    CHECK(same_site("www.examplehealth.org", first_party));
    CHECK(same_site("api.examplehealth.co.uk", first_party));
    CHECK_FALSE(same_site("examplehealth.org.evil.example", first_party));
    CHECK_FALSE(same_site("www.facebook.com", first_party));
    CHECK_FALSE(same_site("co.uk", first_party));  // a bare suffix is nobody's site
    const std::vector<std::string> pages{"alice.github.io"};
    CHECK_FALSE(same_site("bob.github.io", pages));  // private suffixes separate tenants
    CHECK(same_site("www.alice.github.io", pages));
}

TEST_CASE("domain: domain_matches respects label boundaries and the *. form") {
    CHECK(domain_matches("facebook.com", "facebook.com"));
    CHECK(domain_matches("www.facebook.com", "facebook.com"));
    CHECK(domain_matches("WWW.FACEBOOK.COM", "facebook.com"));
    CHECK_FALSE(domain_matches("notfacebook.com", "facebook.com"));
    CHECK_FALSE(domain_matches("facebook.com.evil.example", "facebook.com"));
    CHECK_FALSE(domain_matches("facebook.co", "facebook.com"));
    CHECK(domain_matches("a.b.example.com", "*.example.com"));
    CHECK_FALSE(domain_matches("example.com", "*.example.com"));
    CHECK_FALSE(domain_matches("example.com", ""));
}

TEST_CASE("domain: normalize_host lower-cases and strips port and root dot") {
    CHECK(normalize_host("WWW.Example.com.") == "www.example.com");
    CHECK(normalize_host("example.com:80") == "example.com");
    CHECK(normalize_host("[::1]:8080") == "::1");
    CHECK(normalize_host("") == "");
}
