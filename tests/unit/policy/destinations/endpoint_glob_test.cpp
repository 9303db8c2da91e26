#include "policy/destinations/endpoint_glob.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy;

TEST_CASE("endpoint_glob: a path prefix ends on a segment boundary") {
    CHECK(endpoint_glob_matches("/tr", "/tr"));
    CHECK(endpoint_glob_matches("/tr", "/tr/?id=1"));
    CHECK(endpoint_glob_matches("/tr", "/tr?id=1"));
    CHECK(endpoint_glob_matches("/activity", "/activity;src=123;type=lead"));
    CHECK_FALSE(endpoint_glob_matches("/tr", "/track"));
    CHECK_FALSE(endpoint_glob_matches("/tr", "/"));
    CHECK_FALSE(endpoint_glob_matches("/g/collect", "/x/g/collect"));
}

TEST_CASE("endpoint_glob: * spans segments but never the query") {
    CHECK(endpoint_glob_matches("/*/events", "/v19.0/123456789012345/events"));
    CHECK(endpoint_glob_matches("/*/log", "/1234/log/3/unip?en=page_view"));
    CHECK_FALSE(endpoint_glob_matches("/*/events", "/v19.0/123/evented"));
    CHECK_FALSE(endpoint_glob_matches("/*/events", "/page?next=/x/events"));
}

TEST_CASE("endpoint_glob: letters compare without case") {
    CHECK(endpoint_glob_matches("/unifiedPixel", "/unifiedpixel?obApiVersion=1"));
    CHECK(endpoint_glob_matches("/rest/conversionEvents", "/rest/CONVERSIONEVENTS"));
}
