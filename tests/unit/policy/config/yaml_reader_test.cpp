#include "policy/config/yaml_reader.hpp"

#include <doctest/doctest.h>

using namespace phiguard::policy;
using namespace std::chrono_literals;

namespace {

struct reading {
    std::vector<diagnostic> out;
    yaml_reader r{"t.yaml", out};
    YAML::Node root;
    explicit reading(const std::string& text) : root(YAML::Load(text)) {}

    std::string messages() const {
        std::string all;
        for (const auto& d : out) all += d.to_string() + "\n";
        return all;
    }
};

}  // namespace

TEST_CASE("config: nearest_word suggests only plausible typos") {
    CHECK(nearest_word("idle_timout", {"idle_timeout", "head_timeout"}) == "idle_timeout");
    CHECK(nearest_word("lisen", {"mode", "listen", "threads"}) == "listen");
    CHECK(nearest_word("Mode", {"mode", "listen"}) == "mode");
    CHECK(nearest_word("completely_different", {"mode", "listen"}) == "");
    CHECK(nearest_word("x", {}) == "");
}

TEST_CASE("config: check_keys names the unknown key at its position") {
    reading t("mode: enforce\nlisen: 1\nzzzzzzzzzz: 2\n");
    t.r.check_keys(t.root, {"mode", "listen"}, "the policy");
    REQUIRE(t.out.size() == 2);
    CHECK(t.out[0].to_string() ==
          "t.yaml:2:1: error: unknown key 'lisen' in the policy; did you mean 'listen'?");
    CHECK(t.out[1].to_string() == "t.yaml:3:1: error: unknown key 'zzzzzzzzzz' in the policy");
}

TEST_CASE("config: typed reads take good values and keep defaults on bad ones") {
    reading t(
        "s: hello\n"
        "b: true\n"
        "n: 42\n"
        "u: 7\n"
        "d: 250ms\n"
        "list: [a, b]\n"
        "one: single\n"
        "ports: [80, 443]\n");
    std::string s;
    bool b = false;
    std::size_t n = 0;
    unsigned u = 0;
    std::chrono::milliseconds d{1};
    std::vector<std::string> list, one, absent{"kept"};
    std::vector<std::uint16_t> ports;
    t.r.read(t.root, "s", s);
    t.r.read(t.root, "b", b);
    t.r.read(t.root, "n", n);
    t.r.read(t.root, "u", u);
    t.r.read(t.root, "d", d);
    t.r.read(t.root, "list", list);
    t.r.read(t.root, "one", one);
    t.r.read(t.root, "absent", absent);
    t.r.read(t.root, "ports", ports);
    CHECK(t.messages() == "");
    CHECK(s == "hello");
    CHECK(b);
    CHECK(n == 42);
    CHECK(u == 7);
    CHECK(d == 250ms);
    CHECK(list == std::vector<std::string>{"a", "b"});
    CHECK(one == std::vector<std::string>{"single"});
    CHECK(absent == std::vector<std::string>{"kept"});
    CHECK(ports == std::vector<std::uint16_t>{80, 443});
}

TEST_CASE("config: wrong types are reported at the value's line and column") {
    reading t(
        "s: [not, a, string]\n"
        "b: maybe\n"
        "n: -3\n"
        "u: 1.5\n"
        "d: 10 minutes\n"
        "list: {a: 1}\n"
        "items: [ok, [nested]]\n"
        "ports: [80, 0, 70000, http]\n"
        "notlist: 80\n");
    std::string s = "default";
    bool b = true;
    std::size_t n = 9;
    unsigned u = 9;
    std::chrono::milliseconds d{5};
    std::vector<std::string> list{"x"}, items;
    std::vector<std::uint16_t> ports, notlist{1};
    t.r.read(t.root, "s", s);
    t.r.read(t.root, "b", b);
    t.r.read(t.root, "n", n);
    t.r.read(t.root, "u", u);
    t.r.read(t.root, "d", d);
    t.r.read(t.root, "list", list);
    t.r.read(t.root, "items", items);
    t.r.read(t.root, "ports", ports);
    t.r.read(t.root, "notlist", notlist);
    CHECK(t.messages() ==
          "t.yaml:1:4: error: 's' must be a string\n"
          "t.yaml:2:4: error: 'b' must be true or false\n"
          "t.yaml:3:4: error: 'n' must be a non-negative whole number\n"
          "t.yaml:4:4: error: 'u' must be a non-negative whole number\n"
          "t.yaml:5:4: error: 'd' must be a duration such as 500ms, 30s, 5m or 1h\n"
          "t.yaml:6:7: error: 'list' must be a list\n"
          "t.yaml:7:13: error: items of 'items' must be strings\n"
          "t.yaml:8:13: error: 'ports' holds an invalid port number\n"
          "t.yaml:8:16: error: 'ports' holds an invalid port number\n"
          "t.yaml:8:23: error: 'ports' must be a non-negative whole number\n"
          "t.yaml:9:10: error: 'notlist' must be a list of ports\n");
    CHECK(s == "default");
    CHECK(b);
    CHECK(n == 9);
    CHECK(u == 9);
    CHECK(d == 5ms);
    CHECK(list == std::vector<std::string>{"x"});
    CHECK(items == std::vector<std::string>{"ok"});
    CHECK(ports == std::vector<std::uint16_t>{80});
    CHECK(notlist == std::vector<std::uint16_t>{1});
}

TEST_CASE("config: expect_map accepts maps and absent nodes, reports the rest") {
    reading t("m: {a: 1}\nseq: [1]\nnothing:\n");
    CHECK(t.r.expect_map(t.root["m"], "'m'"));
    CHECK_FALSE(t.r.expect_map(t.root["missing"], "'missing'"));
    CHECK_FALSE(t.r.expect_map(t.root["nothing"], "'nothing'"));
    CHECK(t.out.empty());
    CHECK_FALSE(t.r.expect_map(t.root["seq"], "'seq'"));
    REQUIRE(t.out.size() == 1);
    CHECK(t.out[0].to_string() == "t.yaml:2:6: error: 'seq' must be a mapping of keys to values");
}

TEST_CASE("config: warnings are not errors") {
    reading t("a: 1\n");
    t.r.warning(t.root["a"], "just so you know");
    REQUIRE(t.out.size() == 1);
    CHECK(t.out[0].level == diagnostic::severity::warning);
    CHECK(t.out[0].line == 1);
    CHECK(t.out[0].column == 4);
    CHECK_FALSE(has_errors(t.out));
    CHECK(t.r.file() == "t.yaml");
}

TEST_CASE("config: check_keys reports a repeated key at the repeat") {
    reading t("mode: enforce\nlisten: a\nmode: monitor\n");
    t.r.check_keys(t.root, {"mode", "listen"}, "the policy");
    REQUIRE(t.out.size() == 1);
    CHECK(t.out[0].to_string() ==
          "t.yaml:3:1: error: duplicate key 'mode' in the policy; only the first, on line 1, "
          "would be used");
}
