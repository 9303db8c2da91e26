// The access log: one JSON object per request with the documented fields, and never the query
// string or the body, which may carry PHI. The values are neutral on purpose: PHI-looking
// ones would be blocked by the policy before they show what the log keeps.
#include "e2e/support/proxy_process.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

#include "e2e/support/curl.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

// Lines that look like JSON objects (stdout might carry other output too).
std::vector<YAML::Node> json_lines(const std::string& text) {
    std::vector<YAML::Node> out;
    for (auto const& line : lines_of(text)) {
        if (line.front() != '{') continue;
        out.push_back(YAML::Load(line));
    }
    return out;
}

const char* const fields[] = {"time", "client", "method",   "host",      "port",
                              "path", "status", "bytes_in", "bytes_out", "duration_ms"};

}  // namespace

TEST_CASE("access log: one JSON line per request with every field, no query string or body") {
    origin o;
    temp_dir dir;
    auto const log = dir.file("access.jsonl");
    proxy_process proxy(pinned_args(o, {"--access-log", log}));
    auto const get = curl(proxy.url(), {origin_url(o, "/hello?token=zq81x&page=7")});
    auto const post = curl(proxy.url(), {"--data-binary", "alpha=beta-77&gamma=delta-42", "-H",
                                         "Expect:", origin_url(o, "/echo?ref=kx93&lang=fr")});
    auto const failed = curl(proxy.url(), {"http://no-such-host.invalid/lookup?name=qwx5"});
    REQUIRE(get.status() == 200);
    REQUIRE(post.status() == 200);
    REQUIRE(failed.status() == 502);

    REQUIRE(wait_until([&] { return lines_of(read_file_text(log)).size() >= 3; }, 5s));
    auto const text = read_file_text(log);
    INFO(text);
    for (auto const* secret :
         {"zq81x", "page=7", "beta-77", "delta-42", "kx93", "lang=fr", "qwx5", "?"}) {
        CAPTURE(secret);
        CHECK(text.find(secret) == std::string::npos);
    }
    std::vector<YAML::Node> entries;
    for (auto const& line : lines_of(text)) {
        CAPTURE(line);
        YAML::Node node;
        REQUIRE_NOTHROW(node = YAML::Load(line));
        REQUIRE(node.IsMap());
        for (auto const* field : fields) {
            CAPTURE(field);
            CHECK(node[field].IsDefined());
        }
        entries.push_back(node);
    }
    REQUIRE(entries.size() == 3);
    auto const& g = entries[0];
    CHECK(g["method"].as<std::string>() == "GET");
    CHECK(g["host"].as<std::string>() == "origin.test");
    CHECK(g["port"].as<int>() == o.port());
    CHECK(g["path"].as<std::string>() == "/hello");
    CHECK(g["status"].as<int>() == 200);
    CHECK(g["bytes_out"].as<long>() >= static_cast<long>(origin::hello_body.size()));
    CHECK(g["duration_ms"].as<double>() >= 0);
    CHECK(g["client"].as<std::string>().find("127.0.0.1") != std::string::npos);
    auto const& p = entries[1];
    CHECK(p["method"].as<std::string>() == "POST");
    CHECK(p["path"].as<std::string>() == "/echo");
    CHECK(p["bytes_in"].as<long>() >= 26);
    auto const& f = entries[2];
    CHECK(f["status"].as<int>() == 502);
    CHECK(f["host"].as<std::string>() == "no-such-host.invalid");
    CHECK(f["path"].as<std::string>() == "/lookup");
}

TEST_CASE("access log: \"-\" in the YAML config writes the lines to stdout") {
    origin o;
    temp_dir dir;
    auto const config = dir.write("phiguard.yaml", "access_log: \"-\"\n");
    proxy_process proxy(pinned_args(o, {"--config", config}));
    REQUIRE(curl(proxy.url(), {origin_url(o, "/hello?q=zq81x")}).status() == 200);
    REQUIRE(wait_until([&] { return !json_lines(proxy.stdout_text()).empty(); }, 5s));
    auto const entries = json_lines(proxy.stdout_text());
    REQUIRE(entries.size() == 1);
    CHECK(entries[0]["path"].as<std::string>() == "/hello");
    CHECK(proxy.stdout_text().find("zq81x") == std::string::npos);
}

TEST_CASE("access log: the --access-log flag wins over the YAML setting") {
    origin o;
    temp_dir dir;
    auto const from_yaml = dir.file("yaml.jsonl");
    auto const from_flag = dir.file("flag.jsonl");
    auto const config = dir.write("phiguard.yaml", "access_log: " + from_yaml + "\n");
    proxy_process proxy(pinned_args(o, {"--config", config, "--access-log", from_flag}));
    REQUIRE(curl(proxy.url(), {origin_url(o, "/hello")}).status() == 200);
    CHECK(wait_until([&] { return !lines_of(read_file_text(from_flag)).empty(); }, 5s));
    CHECK(lines_of(read_file_text(from_yaml)).empty());
}
