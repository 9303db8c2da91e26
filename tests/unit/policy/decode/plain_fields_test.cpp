#include "policy/decode/plain_fields.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace phiguard::policy::decode;

namespace {

struct result {
    std::size_t length;
    bool stopped;
    std::string out;  // what was written for those fields
};

result run(const std::string& in, std::string_view seps, simd use) {
    char out[64];
    std::memset(out, '#', sizeof out);
    const auto p = plain_fields(in.data(), in.data() + in.size(), seps, out, use);
    return {p.length, p.stopped, std::string(out, p.length)};
}

// Every way: AVX-512 and AVX2 where this CPU has them (each falls back to the next), SSE2.
const simd every_way[] = {simd::best, simd::avx2, simd::sse2};

bool base64_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '/';
}

}  // namespace

TEST_CASE("plain_fields: whole fields that decode to themselves, up to the first that does not") {
    struct row {
        std::string in, seps;
        std::size_t length;
        bool stopped;
        std::string out;
    };
    const std::string sixteen = "QUJDREVGR0hJSktM";  // 16 base64 characters
    const std::vector<row> rows = {
        // The end of a short input ends its last field.
        {"a=1&b=2&c=3", "&", 11, false, "a=1&b=2&c=3"},
        {"a=x+y\nb=2", "&\n", 9, false, "a=x y&b=2"},
        {"=v&b=x=y", "&", 8, false, "=v&b=x=y"},
        {"epn.engagement_time_msec=1000&a=1", "&", 33, false, "epn.engagement_time_msec=1000&a=1"},
        {"a=1;b=x&y", ";", 3, true, "a=1"},
        // The field that is not plain, and everything after it, is left to the decoder.
        {"a=1&b=%41&c=3", "&", 3, true, "a=1"},
        {"a=%41&b=2", "&", 0, true, ""},
        {"a=1&b=x?y", "&", 3, true, "a=1"},
        {"a=1&b={}", "&", 3, true, "a=1"},
        {"a=1&b=[1]", "&", 3, true, "a=1"},
        {"a=1&b=x y", "&", 3, true, "a=1"},
        {"a=1&&b=2", "&", 3, true, "a=1"},
        {"a=1&flag&b=2", "&", 3, true, "a=1"},
        {"a=1&flag", "&", 3, true, "a=1"},
        {"a=1&b=" + sixteen + "&c=1", "&", 3, true, "a=1"},
        {"a=1&b=" + sixteen.substr(1) + "&c=1", "&", 25, false,
         "a=1&b=" + sixteen.substr(1) + "&c=1"},
        {"a=1&b=" + sixteen.substr(1) + "+" + sixteen.substr(1), "&", 37, false,
         "a=1&b=" + sixteen.substr(1) + " " + sixteen.substr(1)},
        // Long input: only fields that end inside the 64-byte window, by bit 61.
        {std::string(70, 'x'), "&", 0, false, ""},
        {"a=" + std::string(68, 'x') + "&b=1", "&", 0, false, ""},
    };
    for (const auto use : every_way)
        for (const auto& r : rows) {
            CAPTURE(r.in);
            CAPTURE(static_cast<int>(use));
            const auto got = run(r.in, r.seps, use);
            CHECK(got.length == r.length);
            CHECK(got.stopped == r.stopped);
            CHECK(got.out == r.out);
        }
    std::string many;
    for (int i = 0; i < 20; ++i) many += "a=1&";
    for (const auto use : every_way) {
        // Separators at 3, 7, ... 59, 63: the last one a key start can follow in the window is 59.
        const auto got = run(many, "&", use);
        CHECK(got.length == 59);
        CHECK_FALSE(got.stopped);
        CHECK(got.out == many.substr(0, 59));
    }
}

TEST_CASE("plain_fields: every byte value is classed the same at every place, every way") {
    // Inside a value, only '%', '?', '{', '[', a space and '&' (when not a separator) stop a
    // field from being plain; of the rest, 16 base64 characters in a row do. Each byte is
    // tried at every place of the window a field's value can hold it (the AVX2 and AVX-512
    // look-ups are done per 16-byte lane).
    for (int b = 0; b < 256; ++b) {
        const auto c = static_cast<char>(b);
        if (c == '&' || c == '=') continue;
        CAPTURE(b);
        const bool stops = c == '%' || c == '?' || c == '{' || c == '[' || c == ' ';
        const bool b64 = base64_char(static_cast<unsigned char>(c));
        const char decoded = c == '+' ? ' ' : c;
        for (const auto use : every_way)
            for (std::size_t pad = 0; pad < 55; ++pad) {  // inputs under 62 bytes: all fields whole
                CAPTURE(pad);
                const std::string dots(pad, '.');
                const std::string in = "k=" + dots + c + "&z=1";
                const auto one = run(in, "&", use);
                CHECK(one.length == (stops ? 0 : in.size()));
                if (!stops) CHECK(one.out == "k=" + dots + decoded + "&z=1");
                if (pad > 39) continue;
                const std::string a15(15, 'a');
                for (const std::string& r :
                     {"k=" + dots + a15 + c + "&z=1", "k=" + dots + c + a15 + "&z=1"})
                    CHECK(run(r, "&", use).length == (stops || b64 ? 0 : r.size()));
            }
        const auto semi = run(std::string("k=x") + c + "y;z=1", ";", simd::best);
        CHECK(semi.length == (c == ';' ? 3 : stops ? 0 : 9));
    }
}

TEST_CASE("escape_first: a '%' in a field's first 16 bytes, before its separator") {
    const std::string tail(16, 'x');  // sixteen bytes are read
    const auto ask = [&](const std::string& field, std::string_view seps) {
        const std::string in = field + tail;
        return escape_first(in.data(), in.data() + in.size(), seps);
    };
    CHECK(ask("dt=Example%20Health", "&"));
    CHECK(ask("%41=1", "&"));
    CHECK_FALSE(ask("ep.section=services&dt=%20", "&"));  // the '%' is in the next field
    CHECK_FALSE(ask("a=1\nb=%20", "&\n"));
    CHECK(ask("a=1;b=%20", "&"));  // ';' is no separator here
    CHECK_FALSE(ask("a=1;b=%20", ";"));
    CHECK_FALSE(ask("epn.engagement_time_msec=1%", "&"));  // past the first 16 bytes
    CHECK_FALSE(ask("en=page_view", "&"));
    const std::string short_one = "a=%41";
    CHECK_FALSE(escape_first(short_one.data(), short_one.data() + short_one.size(), "&"));
}

TEST_CASE("plain_fields: the three ways agree on random windows") {
    // Bytes that end, split or spoil fields, often, and long base64-like runs.
    const std::string alphabet = "&&;==%?{[ +\n\rabcXYZ019-_/.:~\x80\xff";
    std::mt19937 rng(2029);
    const std::string_view seps[] = {"&", ";", "&\n", "&\r\n"};
    for (int round = 0; round < 20000; ++round) {
        std::string in;
        const std::size_t len = 1 + rng() % 90;
        for (std::size_t i = 0; i < len; ++i) in.push_back(alphabet[rng() % alphabet.size()]);
        const std::string_view sep = seps[rng() % 4];
        if (sep.find(in[0]) != std::string_view::npos || in[0] == ' ') in[0] = 'k';
        const result want = run(in, sep, simd::sse2);
        for (const auto use : every_way) {
            const result got = run(in, sep, use);
            REQUIRE(got.length == want.length);
            REQUIRE(got.stopped == want.stopped);
            REQUIRE(got.out == want.out);
        }
    }
}

TEST_CASE("plain_fields_readable: what follows the input counts for nothing, in place or not") {
    // The same fields as plain_fields finds in a padded copy, whatever bytes come after e
    // (separators, '=', '%', base64 runs), and the same bytes when decoded over the input.
    const std::string alphabet = "&&;==%?{[ +\n\rabcXYZ019-_/.:~";
    std::mt19937 rng(2030);
    for (int round = 0; round < 20000; ++round) {
        std::string in;
        const std::size_t len = 1 + rng() % 70;
        for (std::size_t i = 0; i < len; ++i) in.push_back(alphabet[rng() % alphabet.size()]);
        if (in[0] == '&' || in[0] == ' ') in[0] = 'k';
        std::string buffer = in;
        while (buffer.size() < len + 64) buffer.push_back(alphabet[rng() % alphabet.size()]);
        const result want = run(in, "&", simd::sse2);
        for (const auto use : every_way) {
            char out[64];
            const auto got =
                plain_fields_readable(buffer.data(), buffer.data() + len, "&", out, use);
            REQUIRE(got.length == want.length);
            REQUIRE(got.stopped == want.stopped);
            REQUIRE(std::string(out, got.length) == want.out);
            std::string here = buffer;
            const auto same =
                plain_fields_readable(here.data(), here.data() + len, "&", here.data(), use);
            REQUIRE(same.length == want.length);
            REQUIRE(here.substr(0, same.length) == want.out);
        }
    }
}
