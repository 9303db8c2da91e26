#include "policy/decision/size_text.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy;

TEST_CASE("size text: binary and decimal units, bare bytes, nothing else") {
    CHECK(parse_size("8MiB") == std::size_t{8} << 20);
    CHECK(parse_size("512KiB") == 512u * 1024);
    CHECK(parse_size("1GiB") == std::size_t{1} << 30);
    CHECK(parse_size("64KB") == 64000u);
    CHECK(parse_size("2 MB") == 2000000u);
    CHECK(parse_size("1048576") == 1048576u);
    CHECK(parse_size("100B") == 100u);
    for (const char* bad : {"", "MiB", "8 parsecs", "8mib", "-1", "1.5MiB", "99999999999999999999"})
        CHECK_FALSE(parse_size(bad));
    CHECK_FALSE(parse_size("99999999999GiB"));
}
