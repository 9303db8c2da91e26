#include "policy/decode/json_leaves.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy::decode;

TEST_CASE("json_leaves: scalars with their member names and paths") {
    std::vector<json_leaf> leaves;
    REQUIRE(json_leaves(R"({"user_data":{"em":["abc"],"ph":"\u0031"},"n":12,"ok":true})", leaves));
    REQUIRE(leaves.size() == 4);
    CHECK(leaves[0].key == "em");
    CHECK(leaves[0].path == "user_data.em[0]");
    CHECK(leaves[0].value == "abc");
    CHECK(leaves[1].value == "1");
    CHECK(leaves[2].key == "n");
    CHECK(leaves[2].value == "12");
    CHECK_FALSE(json_leaves("{\"a\":", leaves));
    CHECK_FALSE(json_leaves("not json", leaves));
}

TEST_CASE("json_leaves: name/value objects say which field a value belongs to") {
    std::vector<json_leaf> leaves;
    REQUIRE(json_leaves(R"([{"name":"appt_date","value":"2026-12-03"}])", leaves));
    bool found = false;
    for (const auto& l : leaves) found |= l.key == "appt_date" && l.value == "2026-12-03";
    CHECK(found);
}

TEST_CASE("json_leaves: nesting is bounded") {
    std::vector<json_leaf> leaves;
    CHECK_FALSE(json_leaves(std::string(100, '[') + std::string(100, ']'), leaves, 32));
}

TEST_CASE("json_paths_at: offsets map to the path of the value holding them") {
    const std::string j = R"({"data":[{"user_data":{"em":["HASH"]}},{"x":"y"}],"z":"Q"})";
    const auto paths = json_paths_at(j, {j.find("HASH"), j.find("y\""), j.find("Q")});
    REQUIRE(paths.size() == 3);
    CHECK(paths[0] == "$.data[0].user_data.em[0]");
    CHECK(paths[1] == "$.data[1].x");
    CHECK(paths[2] == "$.z");
}

TEST_CASE("json_paths_at: escaped quotes, backslash runs and brackets inside strings") {
    // A quote after an even run of backslashes ends its string, after an odd run it does not;
    // brackets, commas and colons inside strings are text. Each at many offsets in the text.
    for (std::size_t pad = 0; pad < 40; ++pad) {
        const std::string key = std::string(pad, 'k') + R"(\"q\\)";
        const std::string j = R"({")" + key + R"(":{"a":")" + std::string(pad, 'x') +
                              R"({[,:]}\"\\","b":[1,"V"]},"c":"W"})";
        const auto paths =
            json_paths_at(j, {j.find('{', 1), j.find("{[,"), j.find('V'), j.find('W')});
        REQUIRE(paths.size() == 4);
        CAPTURE(pad);
        CHECK(paths[0] == "$." + key);
        CHECK(paths[1] == "$." + key + ".a");
        CHECK(paths[2] == "$." + key + ".b[1]");
        CHECK(paths[3] == "$.c");
    }
}

TEST_CASE("json_paths_at: an unterminated string runs to the end") {
    const std::string j = R"({"a":[{"b":"never closed \" {)" + std::string(30, 'y');
    const auto paths = json_paths_at(j, {j.find("never"), j.size() - 1, j.size() + 5});
    REQUIRE(paths.size() == 3);
    CHECK(paths[0] == "$.a[0].b");
    CHECK(paths[1] == "$.a[0].b");
    CHECK(paths[2] == "$.a[0].b");
}

TEST_CASE("json_paths_at: long batches walked 64 bytes at a time give the same paths") {
    // Far from any offset the walk runs on bit masks over 64-byte blocks; near an offset and
    // over a backslash it goes byte by byte. Events of every length put keys, values and
    // brackets across block edges at every alignment.
    std::string j = R"({"batch":[)";
    std::vector<std::size_t> at;
    for (int i = 0; i < 60; ++i) {
        if (i) j += ",";
        j += R"({"type":"track","id":)" + std::to_string(i) + R"(,"props":{"path":")" +
             std::string(static_cast<std::size_t>(i), 'p') + R"(","list":[1,"two",{"k":"v"}],)" +
             (i % 7 == 3 ? R"("esc":"a\"b\\",)" : "") + R"("title":"T, {not} [a] key: )" +
             std::to_string(i) + R"("}})";
        at.push_back(j.rfind("T, {not}"));
    }
    j += "]}";
    const auto paths = json_paths_at(j, at);
    REQUIRE(paths.size() == at.size());
    for (std::size_t i = 0; i < at.size(); ++i) {
        CAPTURE(i);
        CHECK(paths[i] == "$.batch[" + std::to_string(i) + "].props.title");
    }
    // One offset alone, deep in the batch, after blocks walked on masks only.
    const auto v = j.find(R"("v")", j.size() - 200);
    CHECK(json_paths_at(j, {v + 1}).front() == "$.batch[59].props.list[2].k");
}

TEST_CASE("json_paths_at: member names and values that run across 64-byte blocks") {
    // Names of every length cross block edges at every alignment; each value is long enough
    // that its offset lies blocks after its name, which the block walk has to carry over.
    std::string j = R"({"batch":[)";
    std::vector<std::size_t> at;
    std::vector<std::string> want;
    for (std::size_t i = 0; i < 90; ++i) {
        if (i) j += ",";
        const std::string name = "k" + std::string(i, 'm');
        j += R"({"type":"t",")" + name + R"(":")" + std::string(70 + i % 50, 'v') + R"(X"})";
        at.push_back(j.rfind('X'));
        want.push_back("$.batch[" + std::to_string(i) + "]." + name);
    }
    j += "]}";
    CHECK(json_paths_at(j, at) == want);
}

TEST_CASE("json_paths_at: objects before an offset are passed over on their brackets") {
    // Each event closes long before the one offset, so the walk counts brackets through it;
    // brackets inside strings, unbalanced on purpose, must not count, nor ones after a quote
    // escaped with a backslash.
    std::string j = R"({"batch":[)";
    for (std::size_t i = 0; i < 80; ++i) {
        if (i) j += ",";
        j += R"({"id":)" + std::to_string(i) + R"(,"note":")" + std::string(i % 37, 'n') +
             R"( } ] } ","deep":{"a":[{"b":"{{"}],"c":{}},)" +
             (i % 9 == 4 ? R"("esc":"\" }",)" : "") + R"("x":1})";
    }
    j += R"(,{"last":{"k":"HERE"}}]})";
    CHECK(json_paths_at(j, {j.find("HERE")}).front() == "$.batch[80].last.k");
    // And an offset inside an event after many passed-over ones.
    const auto deep = j.find(R"("b":"{{")", j.size() / 2);
    std::size_t event = 0;
    for (auto p = j.find(R"({"id":)"); p < deep; p = j.find(R"({"id":)", p + 1)) ++event;
    CHECK(json_paths_at(j, {deep + 6}).front() ==
          "$.batch[" + std::to_string(event - 1) + "].deep.a[0].b");
}

TEST_CASE("json_paths_at: deep nesting, objects passed over at every level") {
    // 40 levels, each with a finished sibling object before the one that goes deeper, and the
    // offset at the bottom: the bracket pass is tried (a few levels deep) and the walk steps
    // through the rest, with the same path either way.
    std::string j, want = "$";
    for (int i = 0; i < 40; ++i) {
        j += R"({"done":{"x":")" + std::string(static_cast<std::size_t>(30 + i), 'z') + R"("},"l)" +
             std::to_string(i) + R"(":)";
        want += ".l" + std::to_string(i);
    }
    j += R"("HERE")" + std::string(40, '}');
    CHECK(json_paths_at(j, {j.find("HERE")}).front() == want);
}
