#include "policy/destinations/list_database.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <string>

#include "policy/destinations/adblock_rule.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::policy;

namespace {

using phiguard::test::temp_dir;

list_database::input sample() {
    list_database::input in;
    in.flags = adblock_expression_flags();
    in.expressions = {"\\x2fpixel\\x2egif", "^(?:[^/]*\\.)?tracker\\x2eexample\\x2fhit", "beacon$"};
    return in;
}

}  // namespace

TEST_CASE("list_database: reports the first matching expression, or -1") {
    std::vector<std::size_t> rejected;
    const auto db = list_database::build(sample(), std::nullopt, rejected);
    CHECK(rejected.empty());
    CHECK(db->stats().patterns == 3);
    CHECK(db->stats().bytes > 0);
    CHECK_FALSE(db->stats().from_cache);
    CHECK(db->first_match("cdn.example/img/PIXEL.GIF?x=1") == 0);
    CHECK(db->first_match("a.tracker.example/hit?x") == 1);
    CHECK(db->first_match("tracker.example/hit") == 1);
    CHECK(db->first_match("eviltracker.example/hit") == -1);
    CHECK(db->first_match("x.example/beacon") == 2);
    CHECK(db->first_match("x.example/beacon/more") == -1);
    CHECK(db->first_match("") == -1);
}

TEST_CASE("list_database: an expression Hyperscan rejects is left out, the rest compile") {
    auto in = sample();
    in.expressions.insert(in.expressions.begin() + 1, "(unbalanced");
    std::vector<std::size_t> rejected;
    const auto db = list_database::build(in, std::nullopt, rejected);
    REQUIRE(rejected.size() == 1);
    CHECK(rejected[0] == 1);
    CHECK(db->stats().patterns == 3);
    CHECK(db->first_match("tracker.example/hit") == 2);  // ids keep their input positions
}

TEST_CASE("list_database: a second build loads the cached database, a changed set does not") {
    temp_dir dir;
    auto in = sample();
    in.expressions.push_back("(bad");
    std::vector<std::size_t> first_rejected, second_rejected;
    const auto cold = list_database::build(in, dir.path(), first_rejected);
    CHECK_FALSE(cold->stats().from_cache);
    CHECK(std::distance(std::filesystem::directory_iterator(dir.path()),
                        std::filesystem::directory_iterator{}) == 1);
    const auto warm = list_database::build(in, dir.path(), second_rejected);
    CHECK(warm->stats().from_cache);
    CHECK(second_rejected == first_rejected);
    CHECK(warm->stats().bytes == cold->stats().bytes);
    CHECK(warm->first_match("a.tracker.example/hit") == 1);

    in.expressions[0] = "\\x2fother\\x2egif";
    std::vector<std::size_t> third_rejected;
    const auto changed = list_database::build(in, dir.path(), third_rejected);
    CHECK_FALSE(changed->stats().from_cache);
    CHECK(changed->first_match("x.example/pixel.gif") == -1);

    // A damaged cache file is recompiled, not trusted.
    for (const auto& f : std::filesystem::directory_iterator(dir.path())) {
        std::filesystem::resize_file(f.path(), 40);
    }
    std::vector<std::size_t> fourth_rejected;
    const auto repaired = list_database::build(in, dir.path(), fourth_rejected);
    CHECK_FALSE(repaired->stats().from_cache);
    CHECK(repaired->first_match("x.example/other.gif") == 0);
}

TEST_CASE("list_database: an empty set matches nothing") {
    std::vector<std::size_t> rejected;
    const auto db = list_database::build({}, std::nullopt, rejected);
    CHECK(db->stats().patterns == 0);
    CHECK(db->first_match("anything") == -1);
}
