#include "proxy/log_file.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

using phiguard::proxy::log_file;
namespace fs = std::filesystem;
using phiguard::test::read_file_text;
using phiguard::test::temp_dir;

TEST_CASE("log_file: appends to what is already there") {
    temp_dir dir;
    auto p = dir.path() / "access.log";
    { std::ofstream(p) << "old line\n"; }
    log_file log(p.string());
    CHECK(log.path() == p.string());
    log.write("first\n");
    // Flushed at once: readable before the log_file goes away.
    CHECK(read_file_text(p) == "old line\nfirst\n");
    log.write("second\n");
    CHECK(read_file_text(p) == "old line\nfirst\nsecond\n");
}

TEST_CASE("log_file: reopen after a rename writes to the new file") {
    temp_dir dir;
    auto p = dir.path() / "access.log";
    auto rotated = dir.path() / "access.log.1";
    log_file log(p.string());
    log.write("before\n");
    fs::rename(p, rotated);
    log.write("still old\n");  // the open descriptor follows the renamed file
    CHECK(read_file_text(rotated) == "before\nstill old\n");
    CHECK_FALSE(fs::exists(p));

    REQUIRE(log.reopen());
    log.write("after\n");
    CHECK(read_file_text(p) == "after\n");
    CHECK(read_file_text(rotated) == "before\nstill old\n");
}

TEST_CASE("log_file: a failed reopen keeps writing to the old file") {
    temp_dir dir;
    auto sub = dir.path() / "sub";
    fs::create_directories(sub);
    auto p = sub / "access.log";
    log_file log(p.string());
    log.write("one\n");
    auto moved = dir.path() / "moved";
    fs::rename(sub, moved);  // the path's directory is gone
    CHECK_FALSE(log.reopen());
    log.write("two\n");
    CHECK(read_file_text(moved / "access.log") == "one\ntwo\n");
}

TEST_CASE("log_file: an unopenable path throws with the path in the message") {
    temp_dir dir;
    auto p = dir.path() / "missing" / "access.log";
    try {
        log_file log(p.string());
        FAIL("expected std::runtime_error");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find(p.string()) != std::string::npos);
    }
}

TEST_CASE("log_file: concurrent writers never interleave within a line") {
    temp_dir dir;
    auto p = dir.path() / "access.log";
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
    std::istringstream in(read_file_text(p));
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

TEST_CASE("log_file: a batched log holds lines until flush, then writes them in order") {
    temp_dir dir;
    auto p = dir.path() / "access.log";
    log_file log(p.string(), true);
    CHECK(log.write("one\n"));
    CHECK(log.write("two\n"));
    CHECK(read_file_text(p).empty());
    CHECK(log.flush());
    CHECK(read_file_text(p) == "one\ntwo\n");
    CHECK(log.flush());  // nothing held: nothing written twice
    CHECK(read_file_text(p) == "one\ntwo\n");
}

TEST_CASE("log_file: a batched log writes out by itself once 64 KiB have gathered") {
    temp_dir dir;
    auto p = dir.path() / "access.log";
    log_file log(p.string(), true);
    const std::string line(1023, 'x');
    for (int i = 0; i < 63; ++i) log.write(line + "\n");
    CHECK(read_file_text(p).empty());
    log.write(line + "\n");  // the 64th KiB
    CHECK(read_file_text(p).size() == 64 * 1024);
}

TEST_CASE("log_file: a batched log loses nothing at destruction or rotation") {
    temp_dir dir;
    auto p = dir.path() / "access.log";
    auto rotated = dir.path() / "access.log.1";
    {
        log_file log(p.string(), true);
        log.write("before\n");
        fs::rename(p, rotated);
        CHECK(log.reopen());
        log.write("after\n");
    }
    CHECK(read_file_text(rotated) == "before\n");
    CHECK(read_file_text(p) == "after\n");
}

TEST_CASE("log_file: lines that cannot be written are counted, batched or not") {
    log_file alerts("/dev/full");
    CHECK_FALSE(alerts.write("lost\n"));
    CHECK_FALSE(alerts.write("lost too\n"));
    CHECK(alerts.failures() == 2);
    log_file access("/dev/full", true);
    CHECK(access.write("a\n"));
    CHECK(access.write("b\n"));
    CHECK(access.write("c\n"));
    CHECK_FALSE(access.flush());
    CHECK(access.failures() == 3);
}
