#include "policy/finding.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace phiguard::policy;

TEST_CASE("finding: location kinds have stable names for logs") {
    CHECK(std::string(to_string(location_kind::request_line)) == "request_line");
    CHECK(std::string(to_string(location_kind::query)) == "query");
    CHECK(std::string(to_string(location_kind::header)) == "header");
    CHECK(std::string(to_string(location_kind::body)) == "body");
}
