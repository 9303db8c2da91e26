#include "policy/decision/baa.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy;

TEST_CASE("baa: in force from signing through the expiry date, then expired") {
    baa_record b;
    b.status = "signed";
    b.signed_on = calendar_date{2024, 1, 15};
    b.expires = calendar_date{2027, 1, 14};
    CHECK(state_at(b, {2024, 1, 14}) == baa_state::expired);
    CHECK(state_at(b, {2024, 1, 15}) == baa_state::in_force);
    CHECK(state_at(b, {2027, 1, 14}) == baa_state::in_force);
    CHECK(state_at(b, {2027, 1, 15}) == baa_state::expired);
    b.expires.reset();
    CHECK(state_at(b, {2099, 1, 1}) == baa_state::in_force);
}

TEST_CASE("baa: no record is none; pending or terminated never covers a disclosure") {
    CHECK(state_at(std::nullopt, {2026, 1, 1}) == baa_state::none);
    baa_record b;
    b.status = "pending";
    CHECK(state_at(b, {2026, 1, 1}) == baa_state::expired);
    b.status = "terminated";
    CHECK(state_at(b, {2026, 1, 1}) == baa_state::expired);
}

TEST_CASE("baa: state names round-trip") {
    for (auto s : {baa_state::none, baa_state::in_force, baa_state::expired})
        CHECK(baa_state_from_string(to_string(s)) == s);
    CHECK_FALSE(baa_state_from_string("valid"));
}
