#include "policy/detect/context.hpp"

#include <doctest/doctest.h>

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
                   ctx_icd, ctx_patient, ctx_version})
        CHECK((seen & m) != 0);
}
