#include "proxy/json_line.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <ctime>
#include <limits>
#include <string>
#include <thread>

using phiguard::proxy::json_line;
using phiguard::proxy::utc_timestamp;

namespace {

// One line: a single trailing newline and no raw control bytes anywhere.
void check_one_line(const std::string& line) {
    REQUIRE(!line.empty());
    CHECK(line.back() == '\n');
    CHECK(std::count(line.begin(), line.end(), '\n') == 1);
    CHECK(std::none_of(line.begin(), line.end() - 1, [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F;
    }));
}

// yaml-cpp reads JSON: the line must parse back to a map.
YAML::Node parse(const std::string& line) {
    check_one_line(line);
    YAML::Node node;
    REQUIRE_NOTHROW(node = YAML::Load(line));
    REQUIRE(node.IsMap());
    return node;
}

std::string escaped(std::string_view text) {
    std::string out;
    json_line::escape(out, text);
    return out;
}

}  // namespace

TEST_CASE("json_line: builds one object with typed values") {
    auto line = json_line{}
                    .add("s", "text")
                    .add("neg", std::int64_t{-42})
                    .add("big", std::uint64_t{18446744073709551615u})
                    .add("i", 7)
                    .add("u", 8u)
                    .add("d", 1.5)
                    .add("t", true)
                    .add("f", false)
                    .add_raw("arr", "[1,2]")
                    .str();
    CHECK(line ==
          "{\"s\":\"text\",\"neg\":-42,\"big\":18446744073709551615,\"i\":7,\"u\":8,"
          "\"d\":1.500,\"t\":true,\"f\":false,\"arr\":[1,2]}\n");
    auto node = parse(line);
    CHECK(node["s"].as<std::string>() == "text");
    CHECK(node["neg"].as<long long>() == -42);
    CHECK(node["big"].as<unsigned long long>() == 18446744073709551615ull);
    CHECK(node["d"].as<double>() == 1.5);
    CHECK(node["t"].as<bool>());
    CHECK(node["arr"].IsSequence());
    CHECK(json_line{}.str() == "{}\n");
}

TEST_CASE("json_line: quotes, backslashes and newlines are escaped") {
    CHECK(escaped("a\"b") == "\"a\\\"b\"");
    CHECK(escaped("a\\b") == "\"a\\\\b\"");
    CHECK(escaped("a\nb\rc\td") == "\"a\\nb\\rc\\td\"");
    CHECK(escaped("\x01\x1f\x7f") == "\"\\u0001\\u001f\\u007f\"");
    CHECK(escaped("") == "\"\"");
}

TEST_CASE("json_line: hostile values and keys survive the round trip on one line") {
    const std::string hostile =
        "evil.example\"}\n{\"forged\":true,\"x\":\"\r\n\\\x1b[2J\x07\t\x7f" + std::string(1, '\0') +
        "end";
    auto line = json_line{}.add("host", hostile).add(hostile, "key too").add("n", 1).str();
    auto node = parse(line);
    CHECK(node["host"].as<std::string>() == hostile);
    CHECK(node[hostile].as<std::string>() == "key too");
    CHECK_FALSE(node["forged"]);
    CHECK(node.size() == 3);
}

TEST_CASE("json_line: valid UTF-8 passes through, invalid bytes become U+FFFD") {
    CHECK(escaped("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80") ==
          "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    CHECK(escaped("a\xff"
                  "b") == "\"a\\ufffdb\"");
    CHECK(escaped("\xc3") == "\"\\ufffd\"");                                   // truncated sequence
    CHECK(escaped("\xc0\xaf") == "\"\\ufffd\\ufffd\"");                        // overlong '/'
    CHECK(escaped("\xed\xa0\x80") == "\"\\ufffd\\ufffd\\ufffd\"");             // surrogate
    CHECK(escaped("\xf4\x90\x80\x80") == "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");  // > U+10FFFF
    auto node = parse(json_line{}.add("ua", "Mozilla\xfe\xc3\xa9").str());
    CHECK(node["ua"].as<std::string>() == "Mozilla\xef\xbf\xbd\xc3\xa9");
}

TEST_CASE("json_line: non-finite numbers are written as null") {
    auto line = json_line{}
                    .add("nan", std::numeric_limits<double>::quiet_NaN())
                    .add("inf", std::numeric_limits<double>::infinity())
                    .add("max", std::numeric_limits<double>::max())
                    .str();
    CHECK(line.find("\"nan\":null,\"inf\":null,") != std::string::npos);
    auto node = parse(line);
    CHECK(node["nan"].IsNull());
    CHECK(node["max"].as<double>() == doctest::Approx(std::numeric_limits<double>::max()));
}

TEST_CASE("json_line: utc_timestamp is ISO 8601 UTC with milliseconds") {
    // Shape 2026-11-24T05:59:01.123Z: digits everywhere but the separators.
    const std::string shape = "dddd-dd-ddTdd:dd:dd.dddZ";
    auto ts = utc_timestamp();
    REQUIRE(ts.size() == shape.size());
    for (std::size_t i = 0; i < shape.size(); ++i) {
        CAPTURE(i);
        if (shape[i] == 'd')
            CHECK(std::isdigit(static_cast<unsigned char>(ts[i])));
        else
            CHECK(ts[i] == shape[i]);
    }
    CHECK(std::stoi(ts.substr(5, 2)) >= 1);
    CHECK(std::stoi(ts.substr(5, 2)) <= 12);
    CHECK(std::stoi(ts.substr(11, 2)) <= 23);
}

TEST_CASE("json_line: utc_timestamp follows the clock across seconds, cached or not") {
    // The calendar part is cached per second: it must still be the current second's. Read
    // from the clock utc_timestamp reads: std::time() can be the kernel's coarse clock, a
    // few milliseconds behind, and failed this test when a second turned in between.
    auto now_text = [] {
        const std::time_t t =
            std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        std::tm tm{};
        gmtime_r(&t, &tm);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        return std::string(buf);
    };
    for (int i = 0; i < 3; ++i) {
        const std::string before = now_text();
        const std::string ts = utc_timestamp().substr(0, 19);
        const std::string after = now_text();
        CHECK((ts == before || ts == after));
        std::this_thread::sleep_for(std::chrono::milliseconds(550));
    }
}
