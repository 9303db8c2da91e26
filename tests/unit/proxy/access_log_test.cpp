#include "proxy/access_log.hpp"

#include <doctest/doctest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

using namespace phiguard::proxy;

namespace {

access_record sample() {
    access_record r;
    r.client = "192.0.2.7:51234";
    r.method = "GET";
    r.host = "portal.example-hospital.org";
    r.port = 80;
    r.path = "/appointments/book?physician=jane_doe&condition=diabetes";
    r.status = 200;
    r.bytes_in = 12;
    r.bytes_out = 3456;
    return r;
}

std::filesystem::path temp_path(const char* name) {
    return std::filesystem::temp_directory_path() /
           ("phiguard-access-" + std::to_string(::getpid()) + "-" + name);
}

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("access_log: a record is one JSON line with every field") {
    auto r = sample();
    r.start -= std::chrono::milliseconds(25);
    auto line = format_access_record(r);
    REQUIRE(line.back() == '\n');
    CHECK(line.find('\n') == line.size() - 1);
    auto node = YAML::Load(line);
    REQUIRE(node.IsMap());
    CHECK(node["client"].as<std::string>() == "192.0.2.7:51234");
    CHECK(node["method"].as<std::string>() == "GET");
    CHECK(node["host"].as<std::string>() == "portal.example-hospital.org");
    CHECK(node["port"].as<unsigned>() == 80);
    CHECK(node["path"].as<std::string>() == "/appointments/book");
    CHECK(node["status"].as<unsigned>() == 200);
    CHECK(node["bytes_in"].as<std::uint64_t>() == 12);
    CHECK(node["bytes_out"].as<std::uint64_t>() == 3456);
    CHECK(node["duration_ms"].as<double>() >= 25.0);
    CHECK(node["time"].as<std::string>().back() == 'Z');
}

TEST_CASE("access_log: the query string never reaches the log") {
    auto line = format_access_record(sample());
    CHECK(line.find("physician") == std::string::npos);
    CHECK(line.find("diabetes") == std::string::npos);
    CHECK(line.find('?') == std::string::npos);

    auto r = sample();
    r.path = "/?ssn=123-45-6789?again";
    auto bare = format_access_record(r);
    CHECK(bare.find("123-45-6789") == std::string::npos);
    CHECK(YAML::Load(bare)["path"].as<std::string>() == "/");
}

TEST_CASE("access_log: hostile fields cannot forge a second record") {
    auto r = sample();
    r.host = "evil\"}\n{\"status\":999,\"host\":\"x";
    r.method = "G\\ET\r\n";
    r.path = "/a\"b\x01\n/c";
    auto line = format_access_record(r);
    CHECK(line.find('\n') == line.size() - 1);
    auto node = YAML::Load(line);
    REQUIRE(node.IsMap());
    CHECK(node["host"].as<std::string>() == r.host);
    CHECK(node["method"].as<std::string>() == r.method);
    CHECK(node["path"].as<std::string>() == r.path);
    CHECK(node["status"].as<unsigned>() == 200);
}

TEST_CASE("access_log: write appends one line per record; no file means no-op") {
    auto p = temp_path("write.log");
    std::filesystem::remove(p);
    {
        access_log log(std::make_shared<log_file>(p.string()));
        REQUIRE(log.file() != nullptr);
        log.write(sample());
        auto r = sample();
        r.status = 404;
        log.write(r);
    }
    std::istringstream lines(read_all(p));
    std::string first, second, extra;
    REQUIRE(std::getline(lines, first));
    REQUIRE(std::getline(lines, second));
    CHECK_FALSE(std::getline(lines, extra));
    CHECK(YAML::Load(first)["status"].as<unsigned>() == 200);
    CHECK(YAML::Load(second)["status"].as<unsigned>() == 404);
    std::filesystem::remove(p);

    access_log off(nullptr);
    CHECK(off.file() == nullptr);
    off.write(sample());  // must not crash
}
