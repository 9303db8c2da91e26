#include "proxy/log_file.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

using phiguard::proxy::log_file;
namespace fs = std::filesystem;

namespace {

// A fresh private directory, removed with everything in it at scope exit.
struct temp_dir {
    fs::path path;
    explicit temp_dir(const char* name)
        : path(fs::temp_directory_path() /
               ("phiguard-log-" + std::to_string(::getpid()) + "-" + name)) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~temp_dir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("log_file: appends to what is already there") {
    temp_dir dir("append");
    auto p = dir.path / "access.log";
    { std::ofstream(p) << "old line\n"; }
    log_file log(p.string());
    CHECK(log.path() == p.string());
    log.write("first\n");
    // Flushed at once: readable before the log_file goes away.
    CHECK(read_all(p) == "old line\nfirst\n");
    log.write("second\n");
    CHECK(read_all(p) == "old line\nfirst\nsecond\n");
}

TEST_CASE("log_file: reopen after a rename writes to the new file") {
    temp_dir dir("rotate");
    auto p = dir.path / "access.log";
    auto rotated = dir.path / "access.log.1";
    log_file log(p.string());
    log.write("before\n");
    fs::rename(p, rotated);
    log.write("still old\n");  // the open descriptor follows the renamed file
    CHECK(read_all(rotated) == "before\nstill old\n");
    CHECK_FALSE(fs::exists(p));

    REQUIRE(log.reopen());
    log.write("after\n");
    CHECK(read_all(p) == "after\n");
    CHECK(read_all(rotated) == "before\nstill old\n");
}

TEST_CASE("log_file: a failed reopen keeps writing to the old file") {
    temp_dir dir("reopen-fail");
    auto sub = dir.path / "sub";
    fs::create_directories(sub);
    auto p = sub / "access.log";
    log_file log(p.string());
    log.write("one\n");
    auto moved = dir.path / "moved";
    fs::rename(sub, moved);  // the path's directory is gone
    CHECK_FALSE(log.reopen());
    log.write("two\n");
    CHECK(read_all(moved / "access.log") == "one\ntwo\n");
}

TEST_CASE("log_file: an unopenable path throws with the path in the message") {
    temp_dir dir("unopenable");
    auto p = dir.path / "missing" / "access.log";
    try {
        log_file log(p.string());
        FAIL("expected std::runtime_error");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find(p.string()) != std::string::npos);
    }
}

TEST_CASE("log_file: concurrent writers never interleave within a line") {
    temp_dir dir("threads");
    auto p = dir.path / "access.log";
    log_file log(p.string());
    constexpr int threads = 4;
    constexpr int lines = 500;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&log, t] {
            std::string line(200, static_cast<char>('a' + t));
            line += '\n';
            for (int i = 0; i < lines; ++i) log.write(line);
        });
    for (auto& w : workers) w.join();
    std::istringstream in(read_all(p));
    std::string line;
    int count = 0;
    bool whole = true;
    while (std::getline(in, line)) {
        ++count;
        whole = whole && line.size() == 200 &&
                line.find_first_not_of(line.front()) == std::string::npos;
    }
    CHECK(count == threads * lines);
    CHECK(whole);
}
