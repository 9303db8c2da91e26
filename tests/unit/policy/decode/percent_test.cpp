#include "policy/decode/percent.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy::decode;

TEST_CASE("percent: one layer per call, plus as space only where asked") {
    CHECK(percent_decode("breast%2520cancer", false) == "breast%20cancer");
    CHECK(percent_decode(percent_decode("breast%2520cancer", false), false) == "breast cancer");
    CHECK(percent_decode("Jane+Roe", true) == "Jane Roe");
    CHECK(percent_decode("Jane+Roe", false) == "Jane+Roe");
    CHECK(percent_decode("%E2%9C%93", false) == "\xE2\x9C\x93");
}

TEST_CASE("percent: malformed escapes stay as written") {
    CHECK(percent_decode("100%", false) == "100%");
    CHECK(percent_decode("%zz%4", false) == "%zz%4");
    CHECK(percent_decode("a%4", false) == "a%4");
    CHECK(has_percent_escape("a%3Db"));
    CHECK_FALSE(has_percent_escape("100% sure"));
    CHECK_FALSE(has_percent_escape("%4"));
}
