#include "policy/decode/base64.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy::decode;

TEST_CASE("base64: standard and URL-safe alphabets, padded or not") {
    CHECK(base64_decode("eyJhIjoxfQ==") == std::optional<std::string>("{\"a\":1}"));
    CHECK(base64_decode("eyJhIjoxfQ") == std::optional<std::string>("{\"a\":1}"));
    CHECK(base64_decode("-_8") == std::optional<std::string>("\xfb\xff"));
    CHECK(base64_decode("+/8=") == std::optional<std::string>("\xfb\xff"));
    CHECK_FALSE(base64_decode("abc!"));
    CHECK_FALSE(base64_decode("a"));
}

TEST_CASE("base64: only plausible tokens are worth decoding") {
    CHECK(looks_base64("eyJwcm92aWRlciI6ICJEci4gUHJpeWEifQ=="));
    CHECK_FALSE(looks_base64("short"));
    CHECK_FALSE(looks_base64("abcdefghijklmnopqrstuvwxyz"));  // one case: a word
    CHECK_FALSE(looks_base64("1234567890123456"));            // a number
    CHECK_FALSE(looks_base64("abc+def/ghi-jklMNO0"));         // mixed alphabets
    CHECK(mostly_printable("{\"a\": 1}"));
    CHECK_FALSE(mostly_printable(std::string("\x01\x02\x03\xff\x00", 5)));
}
