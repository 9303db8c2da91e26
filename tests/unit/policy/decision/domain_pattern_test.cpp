#include "policy/decision/domain_pattern.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy;

TEST_CASE("domain pattern: patterns that can match pass") {
    for (const char* ok :
         {"example.com", "*.epic.com", "EXAMPLE.org", "a-b_c.example", "localhost", "10.0.0.1"}) {
        CAPTURE(ok);
        CHECK_FALSE(domain_pattern_problem(ok));
    }
}

TEST_CASE("domain pattern: patterns no host can match are named with the reason") {
    CHECK(domain_pattern_problem("*.")->find("empty") != std::string::npos);
    CHECK(domain_pattern_problem("")->find("empty") != std::string::npos);
    CHECK(domain_pattern_problem("*.*.com")->find("'*'") != std::string::npos);
    CHECK(domain_pattern_problem("ex*ample.com")->find("'*'") != std::string::npos);
    CHECK(domain_pattern_problem("exa mple.com")->find("space") != std::string::npos);
    CHECK(domain_pattern_problem("example..com")->find("empty label") != std::string::npos);
    CHECK(domain_pattern_problem(".example.com"));
    CHECK(domain_pattern_problem("example.com."));
    CHECK(domain_pattern_problem("https://example.com")->find("scheme") != std::string::npos);
    CHECK(domain_pattern_problem(std::string(64, 'a') + ".com")->find("63") != std::string::npos);
}
