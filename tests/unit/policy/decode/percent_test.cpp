#include "policy/decode/percent.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <random>
#include <string>
#include <vector>

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

namespace {

// The rules written the slow, obvious way: the vector decoder must agree byte for byte.
std::string reference_decode(std::string_view t, bool plus, unsigned char& traits) {
    auto hex = [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c))
                   ? (c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10)
                   : -1;
    };
    std::string out;
    traits = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        char c = t[i];
        if (c == '+' && plus) {
            c = ' ';
        } else if (c == '%' && i + 2 < t.size() && hex(t[i + 1]) >= 0 && hex(t[i + 2]) >= 0) {
            c = static_cast<char>(hex(t[i + 1]) * 16 + hex(t[i + 2]));
            i += 2;
        }
        out.push_back(c);
        traits |= c == ' '   ? holds_space
                  : c == '?' ? holds_question
                  : c == '=' ? holds_equals
                  : c == '&' ? holds_amp
                  : c == '%' ? holds_percent
                             : 0;
    }
    return out;
}

}  // namespace

TEST_CASE("percent: the sixteen-byte decoder agrees with the byte rules on random text") {
    // Bytes that matter to the decoder, often; escapes cut at every position.
    const std::string alphabet = "%%%++2Fa0Zz=?& .\xE2\x9C/%%2520";
    std::mt19937 rng(2026);
    for (int round = 0; round < 4000; ++round) {
        std::string text;
        const std::size_t len = rng() % 70;
        for (std::size_t i = 0; i < len; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
        const bool plus = rng() % 2;
        unsigned char want_traits = 0;
        const std::string want = reference_decode(text, plus, want_traits);
        std::string out = "prefix";
        const unsigned char traits = percent_decode_append(text, plus, out);
        REQUIRE(out == "prefix" + want);
        REQUIRE(static_cast<int>(traits) == static_cast<int>(want_traits));
    }
}

TEST_CASE(
    "percent: a field decoded in place inside its body, reading ahead, decodes only its own "
    "bytes") {
    // The decoder may load past the field up to readable_end; bytes there ('%', '+', '=')
    // must change neither the output nor the traits.
    const std::string body = "k=ab+c%3Fd&next=%26%3D+tail+%41%42%43%44%45%46%47%48";
    for (std::size_t b = 0; b < body.size(); ++b) {
        for (std::size_t e = b; e <= body.size(); ++e) {
            const std::string_view field(body.data() + b, e - b);
            unsigned char want_traits = 0;
            const std::string want = reference_decode(field, true, want_traits);
            // Exactly the room the decoder asks for, so a store past it shows under ASan.
            std::vector<char> room(field.size() + 16);
            unsigned char traits = 0;
            char* const end =
                percent_decode_into(field, true, room.data(), traits, body.data() + body.size());
            const std::string out(room.data(), end);
            REQUIRE(out == want);
            REQUIRE(static_cast<int>(traits) == static_cast<int>(want_traits));
        }
    }
}
