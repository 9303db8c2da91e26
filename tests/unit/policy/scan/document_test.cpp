#include "policy/scan/document.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace phiguard::policy::scan;

TEST_CASE("document: offsets find their segment and render a value-free location") {
    document doc;
    doc.root = "query";
    doc.text = "&dl=https://x.org/p&condition=diabetes";
    // dl (a container) and its child condition.
    doc.segments.push_back({1, 2, 4, 19, -1, true});
    doc.segments.push_back({20, 9, 30, 38, 0, false});
    REQUIRE(doc.item_at(doc.text.find("x.org")));
    CHECK(doc.item_at(doc.text.find("x.org"))->key_begin == 1);
    CHECK(doc.item_at(doc.text.find("diabetes"))->key_begin == 20);
    CHECK(doc.location(1) == "query:dl>condition");
    CHECK(doc.location(-1) == "query");
    CHECK(doc.location_at(doc.text.find("diabetes")) == "query:dl>condition");
    doc.root = "header:Referer";
    CHECK(doc.location(1) == "header:Referer>dl>condition");
}

TEST_CASE("document: plain runs are read from the text, between recorded segments") {
    // "&a=1&b=x=y" is a plain run at the top, "&dl=/p" a recorded URL, "&c=&d=2" plain
    // fields inside it, "&e=%" recorded again.
    document doc;
    doc.root = "body:form";
    doc.text = "&a=1&b=x=y&dl=/p&c=&d=2&e=%";
    doc.runs.push_back({0, 10, -1});
    doc.segments.push_back({11, 2, 14, 16, -1, true});
    doc.runs.push_back({16, 23, 0});
    doc.segments.push_back({24, 1, 26, 27, -1, false});
    REQUIRE(doc.fielded());
    std::vector<std::string> rows;
    for (const auto& s : doc.items())
        rows.push_back(std::string(doc.key_of(s)) + "|" +
                       doc.text.substr(s.begin, s.end - s.begin) + "|" + std::to_string(s.parent) +
                       (s.path_like ? "|path" : ""));
    CHECK(rows == std::vector<std::string>{"a|1|-1", "b|x=y|-1", "dl|/p|-1|path", "c||2", "d|2|2",
                                           "e|%|-1"});
    // Every offset of an item, its '&' included, finds that item.
    const std::vector<std::pair<std::size_t, std::string>> at = {
        {0, "body:form:a"},     {3, "body:form:a"},     {4, "body:form:b"},
        {9, "body:form:b"},     {10, "body:form:dl"},   {15, "body:form:dl"},
        {16, "body:form:dl>c"}, {18, "body:form:dl>c"}, {19, "body:form:dl>d"},
        {22, "body:form:dl>d"}, {23, "body:form:e"},    {26, "body:form:e"}};
    for (const auto& [offset, location] : at) {
        CAPTURE(offset);
        CHECK(doc.location_at(offset) == location);
    }
    const auto b = doc.item_at(7);
    REQUIRE(b);
    CHECK(doc.key_of(*b) == "b");
    CHECK(b->begin == 7);
    CHECK(b->end == 10);
    CHECK_FALSE(b->path_like);
    CHECK_FALSE(document{}.item_at(0));
    CHECK(document{}.location_at(0).empty());
}
