#include "policy/detect/context.hpp"

#include <doctest/doctest.h>

#include <array>
#include <utility>
#include <vector>

using namespace phiguard::policy::detect;

TEST_CASE("context: a word counts only within its window before the candidate") {
    context_index idx;
    idx.add(10, ctx_dob);
    idx.add(100, ctx_phone);
    idx.finish();
    CHECK(idx.near(20, ctx_dob));
    CHECK_FALSE(idx.near(20, ctx_phone));
    CHECK_FALSE(idx.near(5, ctx_dob));
    CHECK_FALSE(idx.near(80, ctx_dob, 48));
    CHECK(idx.near(120, ctx_phone | ctx_dob));
    CHECK(idx.ends(ctx_phone) == std::vector<std::size_t>{100});
}

TEST_CASE("context: the word list covers every category") {
    std::uint16_t seen = 0;
    for (const auto& w : context_words()) seen |= w.mask;
    for (auto m : {ctx_dob, ctx_appointment, ctx_ssn, ctx_phone, ctx_npi, ctx_mbi, ctx_card,
                   ctx_icd, ctx_patient})
        CHECK((seen & m) != 0);
}

TEST_CASE("context: near() agrees with a plain walk over the words, across 64-byte blocks") {
    // The index answers most questions from per-block summaries; this checks every answer
    // against the definition, including windows that start or end on a block's edge.
    std::uint32_t seed = 7;
    auto next = [&seed] { return seed = seed * 1664525u + 1013904223u; };
    for (int round = 0; round < 200; ++round) {
        context_index idx;
        std::vector<std::pair<std::size_t, std::uint16_t>> words;
        const std::size_t n = next() % 12;
        for (std::size_t k = 0; k < n; ++k) {
            words.emplace_back(next() % 700, static_cast<std::uint16_t>(1u << (next() % 10)));
            idx.add(words.back().first, words.back().second);
        }
        idx.finish();
        for (std::size_t pos = 0; pos < 800; pos += 1 + next() % 5) {
            const std::size_t window = std::array<std::size_t, 4>{16, 40, 48, 64}[next() % 4];
            const auto mask = static_cast<std::uint16_t>(next() & 0x3ff);
            bool want = false;
            for (const auto& [end, m] : words)
                want |= (m & mask) && end <= pos && end + window >= pos;
            REQUIRE(idx.near(pos, mask, window) == want);
        }
    }
    context_index empty;
    empty.finish();
    CHECK_FALSE(empty.near(0, 0x3ff));
}
