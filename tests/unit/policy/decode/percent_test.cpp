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

// len bytes drawn from alphabet (a byte listed twice comes twice as often).
std::string random_text(std::mt19937& rng, std::string_view alphabet, std::size_t len) {
    std::string text;
    for (std::size_t i = 0; i < len; ++i) text.push_back(alphabet[rng() % alphabet.size()]);
    return text;
}

}  // namespace

TEST_CASE("percent: both vector decoders agree with the byte rules on random text") {
    // Bytes that matter to the decoder, often; escapes cut at every position; bytes either side
    // of the hex digits' ranges ('/' ':' '@' 'G' '`' 'g').
    const std::string alphabet = "%%%++2Fa0Zz=?& .\xE2\x9C/%%2520%%9fAG@`g:%%%";
    std::mt19937 rng(2026);
    // Up to 200 bytes: three 64-byte blocks and a tail, escapes cut at each block's end.
    for (int round = 0; round < 4000; ++round) {
        const std::string text = random_text(rng, alphabet, rng() % 200);
        const bool plus = rng() % 2;
        unsigned char want_traits = 0;
        const std::string want = reference_decode(text, plus, want_traits);
        for (const simd use : {simd::best, simd::sse2}) {
            std::string out = "prefix";
            const unsigned char traits = percent_decode_append(text, plus, out, use);
            REQUIRE(out == "prefix" + want);
            REQUIRE(static_cast<int>(traits) == static_cast<int>(want_traits));
        }
    }
}

namespace {

// A field the slow way: up to the first separator, key up to the first '=', each decoded by
// the reference rules; as the flattener lays it out, key '=' value.
struct reference_field {
    std::size_t raw_len = 0;
    std::string text;
    std::size_t key_len = 0;
    unsigned char key_traits = 0, value_traits = 0;
};
reference_field reference_split(std::string_view rest, std::string_view seps) {
    reference_field r;
    r.raw_len = std::min(rest.find_first_of(seps), rest.size());
    const std::string_view field = rest.substr(0, r.raw_len);
    const std::size_t eq = std::min(field.find('='), field.size());
    const std::string key = reference_decode(field.substr(0, eq), true, r.key_traits);
    const std::string value =
        eq < field.size() ? reference_decode(field.substr(eq + 1), true, r.value_traits) : "";
    r.text = key + "=" + value;
    r.key_len = key.size();
    return r;
}

void require_field_matches(std::string_view body, std::size_t from, std::string_view seps,
                           simd use = simd::best) {
    const std::string_view rest = body.substr(from);
    const reference_field want = reference_split(rest, seps);
    // Exactly the room the decoder asks for, so a store past it shows under ASan.
    std::vector<char> room(rest.size() + 17);
    const form_field got =
        decode_form_field(rest.data(), rest.data() + rest.size(), seps, room.data(), use);
    REQUIRE(static_cast<std::size_t>(got.raw_end - rest.data()) == want.raw_len);
    REQUIRE(std::string(room.data(), got.end) == want.text);
    REQUIRE(static_cast<std::size_t>(got.key_end - room.data()) == want.key_len);
    REQUIRE(static_cast<int>(got.key_traits) == static_cast<int>(want.key_traits));
    REQUIRE(static_cast<int>(got.value_traits) == static_cast<int>(want.value_traits));
}

// The same from starting points 1 to max_step bytes apart over body, by both decoders.
void require_fields_match(std::string_view body, std::string_view seps, std::mt19937& rng,
                          unsigned max_step) {
    for (std::size_t b = 0; b < body.size(); b += 1 + rng() % max_step)
        for (const simd use : {simd::best, simd::sse2}) require_field_matches(body, b, seps, use);
}

}  // namespace

TEST_CASE("percent: a form field is decoded up to its separator, and only its own bytes") {
    // The decoder loads up to the body's end; bytes past the separator ('%', '+', '=') must
    // change neither the output nor the traits, from every starting point.
    const std::string body = "k=ab+c%3Fd&next=%26%3D+tail+%41%42%43%44%45%46%47%48&=v&k%3D=1";
    for (std::size_t b = 0; b < body.size(); ++b) require_field_matches(body, b, "&");
    // A field without '=' is all key; '=' is written after it all the same.
    std::vector<char> room(32);
    const std::string bare = "flag&x=1";
    const form_field f =
        decode_form_field(bare.data(), bare.data() + bare.size(), "&", room.data());
    CHECK(std::string(room.data(), f.end) == "flag=");
    CHECK(f.raw_end == bare.data() + 4);
}

TEST_CASE("percent: the field decoder agrees with split-then-decode on random bodies") {
    const std::string alphabet = "%%%++2Fa0Zz==?&&; .\n\r\xE2/%%2520%%9fAG@`g:%%%";
    std::mt19937 rng(2027);
    const std::string_view seps[] = {"&", ";", "&\n", "&\r\n"};
    for (int round = 0; round < 3000; ++round) {
        const std::string body = random_text(rng, alphabet, rng() % 90);
        require_fields_match(body, seps[rng() % 4], rng, 7);
    }
}

TEST_CASE("percent: long fields, such as GA4's dl= URLs, decode alike 64 and 16 bytes at a time") {
    // Separators are rarer here than above, so that fields run over several 64-byte blocks and
    // their '=' and escapes fall at every place in a block.
    const std::string alphabet = "%%%%+2Fa0Zz=?;. \n\xE2/%%2520%%9fAG@`g:3A%%%abcdefghijklmnop";
    std::mt19937 rng(2028);
    const std::string_view seps[] = {"&", ";", "&\n", "&\r\n"};
    for (int round = 0; round < 1500; ++round) {
        std::string body = random_text(rng, alphabet, 60 + rng() % 240);
        for (char& c : body)
            if (rng() % 40 == 0) c = '&';
        require_fields_match(body, seps[rng() % 4], rng, 11);
    }
}

TEST_CASE("percent: a GA4 page URL decodes to the same bytes with either decoder") {
    const std::string dl =
        "dl=https%3A%2F%2Fwww.examplehealth.org%2Fservices%2Fpage-7%3Futm_source%3Dnewsletter"
        "%26utm_medium%3Demail%26condition%3Ddiabetes&dt=Example%20Health";
    for (const simd use : {simd::best, simd::sse2}) {
        std::vector<char> room(dl.size() + 17);
        const form_field f =
            decode_form_field(dl.data(), dl.data() + dl.size(), "&", room.data(), use);
        CHECK(std::string(room.data(), f.end) ==
              "dl=https://www.examplehealth.org/services/page-7?utm_source=newsletter"
              "&utm_medium=email&condition=diabetes");
        CHECK(f.key_end == room.data() + 2);
        CHECK(*f.raw_end == '&');
        CHECK(static_cast<int>(f.value_traits) == (holds_question | holds_equals | holds_amp));
    }
}
