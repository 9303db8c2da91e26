#include "policy/scan/flatten.hpp"

#include <doctest/doctest.h>

#include <cctype>
#include <cstdio>
#include <string>
#include <vector>

using namespace phiguard::policy::scan;

namespace {

// "key|value|parent" for an item, to compare a whole document's items at once.
std::string row_of(const document& doc, const segment& s) {
    return std::string(doc.key_of(s)) + "|" + doc.text.substr(s.begin, s.end - s.begin) + "|" +
           std::to_string(s.parent);
}

}  // namespace

TEST_CASE("flatten: parameters become &key=value items with their parents") {
    document doc;
    doc.root = "query";
    flattener f(doc, 3, 1 << 20);
    f.pairs("a=1&dl=https%3A%2F%2Fx.org%2Fp%3Fcondition%3Dbreast%2520cancer&b=Jane+Roe", "&", -1,
            0);
    CHECK(doc.text.find("&condition=breast cancer") != std::string::npos);
    CHECK(doc.text.find("&b=Jane Roe") != std::string::npos);
    CHECK(doc.location_at(doc.text.find("breast")) == "query:dl>condition");
    const auto url = doc.item_at(doc.text.find("x.org"));
    REQUIRE(url);
    CHECK(url->path_like);
    CHECK(f.problems().empty());
}

TEST_CASE("flatten: JSON values and base64 tokens are opened, depth is bounded") {
    document doc;
    doc.root = "query";
    flattener f(doc, 3, 1 << 20);
    f.item("cd", R"([{"name":"appt_date","value":"2026-12-03"}])", -1, 0);
    CHECK(doc.text.find("&appt_date=2026-12-03") != std::string::npos);
    f.item("ed", "eyJhcHBvaW50bWVudCI6ICIyMDI2LTEyLTAzIn0", -1,
           0);  // {"appointment": "2026-12-03"}
    CHECK(doc.text.find("&appointment=2026-12-03") != std::string::npos);

    document deep;
    flattener g(deep, 2, 1 << 20);
    g.item("x", "%25252541", -1, 0);
    REQUIRE(g.problems().size() == 1);
}

TEST_CASE("flatten: targets split into path, matrix parameters and query") {
    const auto t = split_target("https://ad.doubleclick.net/activity;src=1;u1=x?a=b#frag");
    CHECK(t.path == "/activity");
    CHECK(t.params == "src=1;u1=x");
    CHECK(t.query == "a=b");
    CHECK(split_target("/p?x=1").query == "x=1");
    CHECK_FALSE(split_target("https://h.example").has_query);
}

TEST_CASE("flatten: the text limit stops expansion and says so") {
    document doc;
    flattener f(doc, 3, 64);
    std::string big;
    for (int i = 0; i < 100; ++i) big += "k" + std::to_string(i) + "=v&";
    f.pairs(big, "&", -1, 0);
    CHECK(doc.text.size() < 200);
    REQUIRE_FALSE(f.problems().empty());
}

TEST_CASE("flatten: every kind of field lands as &key=value with its segment around it") {
    // Leading spaces, empty pieces, a key that decodes to '&' and '=', a bare key, an empty
    // key, '=' inside a value, a URL to expand between plain fields, and a second line.
    document doc;
    doc.root = "body:form";
    flattener f(doc, 3, 1 << 20);
    f.pairs(
        " lead=1&&k%26x%3Dy=v&novalue&=empty&a=b=c&u=https%3A%2F%2Fh.org%2Fp%3Fq%3D1&"
        "z=%2Bplus+sp\nline2=x",
        "&\n", -1, 0);
    CHECK(doc.text ==
          "&lead=1&k_x_y=v&novalue=&=empty&a=b=c&u=https://h.org/p&q=1&z=+plus sp&line2=x");
    std::vector<std::string> seen;
    for (const auto& s : doc.items()) {
        // Each segment's key sits right after an '&' and its value right after the '='.
        REQUIRE(s.key_begin >= 1);
        CHECK(doc.text[s.key_begin - 1] == '&');
        CHECK(doc.text[s.begin - 1] == '=');
        CHECK(s.begin == s.key_begin + s.key_len + 1);
        seen.push_back(row_of(doc, s));
    }
    CHECK(seen == std::vector<std::string>{"lead|1|-1", "k_x_y|v|-1", "novalue||-1", "|empty|-1",
                                           "a|b=c|-1", "u|https://h.org/p|-1", "q|1|5",
                                           "z|+plus sp|-1", "line2|x|-1"});
    CHECK(doc.location_at(doc.text.find("&q=1") + 1) == "body:form:u>q");
    CHECK(f.problems().empty());
}

TEST_CASE("flatten: a long field after a nested expansion is decoded whole") {
    // After a URL is expanded the text is cut to size and the next field is decoded in a
    // window of the room left; a field longer than that window must be decoded again, whole.
    std::string long_value;
    for (int i = 0; i < 700; ++i) long_value += "x%41+";
    std::string want_value;
    for (int i = 0; i < 700; ++i) want_value += "xA ";
    document doc;
    doc.root = "body:form";
    flattener f(doc, 3, 1 << 20);
    f.pairs("u=https%3A%2F%2Fh.org%2Fp%3Fq%3D1&long=" + long_value + "&after=1", "&", -1, 0);
    CHECK(doc.text == "&u=https://h.org/p&q=1&long=" + want_value + "&after=1");
    const auto items = doc.items();
    REQUIRE(items.size() == 4);
    const auto& s = items[2];
    CHECK(doc.key_of(s) == "long");
    CHECK(doc.text.substr(s.begin, s.end - s.begin) == want_value);
    CHECK(f.problems().empty());
}

TEST_CASE("flatten: a page URL's query is expanded in place, fragments and nesting included") {
    // dl= URLs are expanded where they were decoded: the segment is made around "&dl=" and
    // the path, and the query's fields are written over the query. A URL in that query (a
    // referrer inside the page URL) is expanded the same way, one level down; a '#fragment'
    // is dropped and an empty query leaves the path alone.
    document doc;
    doc.root = "body:form";
    flattener f(doc, 3, 1 << 20);
    f.pairs(
        "dl=https%3A%2F%2Fh.org%2Fa%3Fx%3D1%26r%3Dhttps%253A%252F%252Fi.org%252Fb%253Fy%253D2"
        "%23top&e=%2Fp%3F&next=ok",
        "&", -1, 0);
    CHECK(doc.text == "&dl=https://h.org/a&x=1&r=https://i.org/b&y=2&e=/p&next=ok");
    std::vector<std::string> seen;
    for (const auto& s : doc.items()) seen.push_back(row_of(doc, s) + (s.path_like ? "|path" : ""));
    CHECK(seen == std::vector<std::string>{"dl|https://h.org/a|-1|path", "x|1|0",
                                           "r|https://i.org/b|0|path", "y|2|2", "e|/p|-1|path",
                                           "next|ok|-1"});
    CHECK(doc.location_at(doc.text.find("y=2") + 2) == "body:form:dl>r>y");
    CHECK(f.problems().empty());

    // A field of the outer query after a URL with its own (long) query is still read, and
    // lands under the outer URL: the inner query is followed from a copy of its own.
    document two;
    two.root = "body:form";
    flattener t(two, 3, 1 << 20);
    const std::string inner(80, '7');
    t.pairs("dl=https%3A%2F%2Fh.org%2Fa%3Fr%3Dhttps%253A%252F%252Fi.org%252Fb%253Fy%253D" + inner +
                "%26z%3D3&next=ok",
            "&", -1, 0);
    CHECK(two.text == "&dl=https://h.org/a&r=https://i.org/b&y=" + inner + "&z=3&next=ok");
    CHECK(two.location_at(two.text.find("z=3") + 2) == "body:form:dl>z");

    // The text limit reached inside an expanded query is reported once, at that query.
    document small;
    flattener g(small, 3, 40);
    std::string many = "dl=https%3A%2F%2Fh.org%2Fa%3F";
    for (int i = 0; i < 30; ++i) many += "k" + std::to_string(i) + "%3Dv%26";
    g.pairs(many + "&after=1", "&", -1, 0);
    REQUIRE(g.problems().size() == 1);
    CHECK(g.problems()[0].reason == "decoded text exceeds the inspection limit");
    CHECK(small.text.size() < 80);
}

namespace {

// Every byte but letters and digits as %XX: a page URL as GA4 sends it in dl=.
std::string escape_all(std::string_view s) {
    std::string out;
    for (const char c : s) {
        if (std::isalnum(static_cast<unsigned char>(c))) {
            out.push_back(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
            out += buf;
        }
    }
    return out;
}

// The items of a document as rows, path-like ones marked.
std::vector<std::string> rows(const document& doc) {
    std::vector<std::string> out;
    for (const auto& s : doc.items()) out.push_back(row_of(doc, s) + (s.path_like ? "|path" : ""));
    return out;
}

}  // namespace

TEST_CASE("flatten: a short plain page-URL query, read where it lies, gives what the copy gives") {
    // Queries that one window holds whole and plain are checked in the text itself; the rest
    // (longer, escaped again, empty fields, nested URLs) go through a copy. Either way the
    // items must be those of the general path, which item() takes for a decoded URL.
    const std::string queries[] = {
        "utm_source=newsletter&utm_medium=email",
        "q=heart+failure&utm_source=x#frag",
        "a=1&",
        "a=1;b=2",
        "k=" + std::string(59, '.'),  // 61 bytes: the longest read in place
        "k=" + std::string(60, '.'),  // 62 bytes: copied
        "x=%2520y&z=1",
        "r=https://i.org/b?y=2&z=3",
        "flag&a=1",
        "=v&a=1",
    };
    for (const std::string& query : queries) {
        CAPTURE(query);
        const std::string url = "https://h.org/a?" + query;
        document fast;
        fast.root = "body:form";
        flattener f(fast, 3, 1 << 20);
        f.pairs("dl=" + escape_all(url) + "&n=1", "&", -1, 0);
        document general;
        general.root = "body:form";
        flattener g(general, 3, 1 << 20);
        g.item("dl", url, -1, 0);
        g.item("n", "1", -1, 0);
        CHECK(rows(fast) == rows(general));
        CHECK(f.problems().empty());
    }
}
