#include "policy/decode/json_escape.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy::decode;

TEST_CASE("json_escape: \\u escapes become UTF-8 while the JSON keeps its structure") {
    CHECK(json_unescape_text(R"({"c":"breast\u0020cancer"})") == R"({"c":"breast cancer"})");
    CHECK(json_unescape_text(R"({"u":"https:\/\/x.org\/a"})") == R"({"u":"https://x.org/a"})");
    CHECK(json_unescape_text(R"({"q":"say \"hi\" \\ \u0022"})") == R"({"q":"say \"hi\" \\ \""})");
    CHECK(json_unescape_text(R"("\ud83d\ude00")") == "\"\xF0\x9F\x98\x80\"");
    CHECK(json_unescape_string(R"(a\"b\\c\u00e9)") == "a\"b\\c\xC3\xA9");
    CHECK(json_unescape_string(R"(bad\u12)") == R"(bad\u12)");
}
