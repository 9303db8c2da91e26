#include "policy/detect/hint.hpp"

#include <doctest/doctest.h>

using phiguard::policy::detect::redact;

TEST_CASE("hint: keeps the outer letters and the length, never the value") {
    CHECK(redact("diabetes") == "d******s, 8 chars");
    CHECK(redact("123-45-6789") == "***********, 11 chars");
    CHECK(redact("Roe") == "***, 3 chars");
    const std::string digest(64, 'a');
    const std::string h = redact(digest);
    CHECK(h.find(digest.substr(0, 6)) == std::string::npos);
    CHECK(h.find("64 chars") != std::string::npos);
}
