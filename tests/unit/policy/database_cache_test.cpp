#include "policy/database_cache.hpp"

#include <doctest/doctest.h>
#include <hs.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "policy/scan/detector_set.hpp"
#include "policy/scan/request_scan.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::policy;
using phiguard::test::temp_dir;

namespace {

hs_database_t* compile_one(const char* expression) {
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    REQUIRE(hs_compile(expression, 0, HS_MODE_BLOCK, nullptr, &db, &err) == HS_SUCCESS);
    return db;
}

int count_matches(const hs_database_t* db, std::string_view text) {
    hs_scratch_t* scratch = nullptr;
    REQUIRE(hs_alloc_scratch(db, &scratch) == HS_SUCCESS);
    int n = 0;
    hs_scan(
        db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
        [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
            ++*static_cast<int*>(ctx);
            return 0;
        },
        &n);
    hs_free_scratch(scratch);
    return n;
}

std::filesystem::path only_file(const std::filesystem::path& dir) {
    std::filesystem::path found;
    int n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
        found = e.path();
        ++n;
    }
    REQUIRE(n == 1);
    return found;
}

std::string findings_of(const std::shared_ptr<const detector_set>& set, std::string_view url) {
    request_scan scan(set);
    scan.scan_target("GET", url);
    std::string out;
    for (const auto& f : scan.findings()) out += f.detector + "@" + f.location + " ";
    return out;
}

}  // namespace

TEST_CASE("database_cache: a stored database loads back, with its note, and still matches") {
    temp_dir dir;
    const database_cache cache(dir.path());
    hs_database_t* db = compile_one("tr\\?id=\\d+");
    CHECK(cache.store("unit", 42, db, "3 7 "));
    hs_free_database(db);

    const auto hit = cache.load("unit", 42);
    REQUIRE(hit);
    CHECK(hit->note == "3 7 ");
    CHECK(count_matches(hit->db, "/tr?id=123&ev=PageView") > 0);
    CHECK(count_matches(hit->db, "/tr?ev=PageView") == 0);
    hs_free_database(hit->db);

    CHECK_FALSE(cache.load("unit", 43));   // another fingerprint
    CHECK_FALSE(cache.load("other", 42));  // another kind
    CHECK(only_file(dir.path()).filename() == "phiguard-unit-000000000000002a.hsdb");
}

TEST_CASE("database_cache: truncated, damaged or foreign-writable files are misses") {
    temp_dir dir;
    const database_cache cache(dir.path());
    hs_database_t* db = compile_one("member_id=");
    REQUIRE(cache.store("unit", 1, db));
    hs_free_database(db);
    const auto file = only_file(dir.path());
    std::string bytes;
    {
        std::ifstream in(file, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), {});
    }
    auto rewrite = [&](const std::string& content) {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out << content;
    };

    SUBCASE("truncated") {
        rewrite(bytes.substr(0, bytes.size() / 2));
    }
    SUBCASE("a flipped byte in the database") {
        std::string damaged = bytes;
        damaged[damaged.size() - 40] ^= 0x5a;  // Hyperscan alone accepted this one
        rewrite(damaged);
    }
    SUBCASE("a note length past the end") {
        rewrite("phiguard-hsdb-2\n999999 0\n" + bytes.substr(bytes.find('\n', 16) + 1));
    }
    SUBCASE("not ours at all") {
        rewrite("GIF89a");
    }
    SUBCASE("group-writable") {
        std::filesystem::permissions(file, std::filesystem::perms::group_write,
                                     std::filesystem::perm_options::add);
    }
    CHECK_FALSE(cache.load("unit", 1));
}

TEST_CASE("database_cache: files are written owner-writable only, whatever the umask") {
    temp_dir dir;
    const database_cache cache(dir.path() / "sub");  // created on first store
    hs_database_t* db = compile_one("dob=");
    const mode_t old = ::umask(0);
    const bool stored = cache.store("unit", 9, db);
    ::umask(old);
    hs_free_database(db);
    REQUIRE(stored);
    const auto p = std::filesystem::status(only_file(dir.path() / "sub")).permissions();
    CHECK((p & (std::filesystem::perms::group_write | std::filesystem::perms::others_write)) ==
          std::filesystem::perms::none);
    const auto hit = cache.load("unit", 9);
    REQUIRE(hit);
    hs_free_database(hit->db);
}

TEST_CASE("database_cache: without a directory nothing is stored or loaded") {
    const database_cache cache(std::nullopt);
    CHECK_FALSE(cache.enabled());
    hs_database_t* db = compile_one("x");
    CHECK_FALSE(cache.store("unit", 1, db));
    hs_free_database(db);
    CHECK_FALSE(cache.load("unit", 1));
}

TEST_CASE("database_cache: the default directory follows systemd, then XDG, then HOME") {
    auto keep = [](const char* name) {
        const char* v = std::getenv(name);
        return v ? std::optional<std::string>(v) : std::nullopt;
    };
    const auto cache_env = keep("CACHE_DIRECTORY"), xdg = keep("XDG_CACHE_HOME"),
               home = keep("HOME");
    ::setenv("CACHE_DIRECTORY", "/var/cache/phiguard:/var/cache/other", 1);
    ::setenv("XDG_CACHE_HOME", "/x", 1);
    ::setenv("HOME", "/h", 1);
    CHECK(default_database_cache_dir() == std::filesystem::path("/var/cache/phiguard"));
    ::unsetenv("CACHE_DIRECTORY");
    CHECK(default_database_cache_dir() == std::filesystem::path("/x/phiguard"));
    ::unsetenv("XDG_CACHE_HOME");
    CHECK(default_database_cache_dir() == std::filesystem::path("/h/.cache/phiguard"));
    ::unsetenv("HOME");
    CHECK_FALSE(default_database_cache_dir());
    auto restore = [](const char* name, const std::optional<std::string>& v) {
        if (v)
            ::setenv(name, v->c_str(), 1);
        else
            ::unsetenv(name);
    };
    restore("CACHE_DIRECTORY", cache_env);
    restore("XDG_CACHE_HOME", xdg);
    restore("HOME", home);
}

TEST_CASE("detector_set: the second build loads both databases from the cache and finds the same") {
    temp_dir dir;
    const auto cold = detector_set::build({}, dir.path());
    CHECK_FALSE(cold->from_cache());
    const auto warm = detector_set::build({}, dir.path());
    CHECK(warm->from_cache());
    CHECK(warm->database_bytes() == cold->database_bytes());
    const char* url =
        "https://www.facebook.com/tr/?id=1&ev=Lead&cd[condition]=type%202%20diabetes"
        "&ud[em]=jane.roe%40example.com&dob=1961-07-14";
    const std::string found = findings_of(warm, url);
    CHECK(found == findings_of(cold, url));
    CHECK(found.find("email") != std::string::npos);

    // A custom MRN format changes the patterns: compiled afresh, not loaded.
    detector_config custom;
    custom.mrn_patterns = {"HX\\d{7}"};
    CHECK_FALSE(detector_set::build(custom, dir.path())->from_cache());
    CHECK(detector_set::build(custom, dir.path())->from_cache());
}
