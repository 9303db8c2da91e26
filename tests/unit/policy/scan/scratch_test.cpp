#include "policy/scan/scratch.hpp"

#include <doctest/doctest.h>
#include <hs.h>

TEST_CASE("scratch: one per thread, grown once per generation") {
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    REQUIRE(hs_compile("abc", 0, HS_MODE_BLOCK, nullptr, &db, &err) == HS_SUCCESS);
    hs_scratch_t* a = phiguard::policy::thread_scratch(db, nullptr, 1001);
    hs_scratch_t* b = phiguard::policy::thread_scratch(db, nullptr, 1001);
    REQUIRE(a != nullptr);
    CHECK(a == b);
    std::size_t size = 0;
    CHECK(hs_scratch_size(a, &size) == HS_SUCCESS);
    CHECK(size > 0);
    CHECK(phiguard::policy::thread_scratch(nullptr, nullptr, 1002) == nullptr);
    hs_free_database(db);
}
