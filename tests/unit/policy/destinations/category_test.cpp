#include "policy/destinations/category.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy;

TEST_CASE("category: every value round-trips through its name") {
    for (auto c :
         {category::advertising, category::analytics, category::social, category::session_replay,
          category::tag_manager, category::cdp, category::other}) {
        const auto back = category_from_string(to_string(c));
        REQUIRE(back.has_value());
        CHECK(*back == c);
    }
    CHECK(to_string(category::session_replay) == "session_replay");
}

TEST_CASE("category: Ghostery spellings map, unknown names do not") {
    CHECK(category_from_string("site_analytics") == category::analytics);
    CHECK(category_from_string("social_media") == category::social);
    CHECK_FALSE(category_from_string("Advertising").has_value());
    CHECK_FALSE(category_from_string("cdn").has_value());
    CHECK_FALSE(category_from_string("").has_value());
}
