#include "policy/scan/document.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy::scan;

TEST_CASE("document: offsets find their segment and render a value-free location") {
    document doc;
    doc.root = "query";
    doc.text = "&dl=https://x.org/p&condition=diabetes";
    // dl (a container) and its child condition.
    doc.segments.push_back({1, 2, 4, 19, -1, true});
    doc.segments.push_back({20, 9, 30, 38, 0, false});
    CHECK(doc.segment_at(doc.text.find("x.org")) == 0);
    CHECK(doc.segment_at(doc.text.find("diabetes")) == 1);
    CHECK(doc.location(1) == "query:dl>condition");
    CHECK(doc.location(-1) == "query");
    doc.root = "header:Referer";
    CHECK(doc.location(1) == "header:Referer>dl>condition");
}
