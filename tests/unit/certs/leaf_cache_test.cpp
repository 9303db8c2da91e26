#include "certs/leaf_cache.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "certs/error.hpp"
#include "unit/certs/support/test_ca.hpp"

namespace certs = phiguard::certs;

TEST_CASE("certs leaf_cache: a repeat host is a hit and returns the same leaf") {
    phiguard::test::test_ca ca;
    certs::leaf_cache cache(ca.minter, 10);
    std::string error;
    auto first = cache.get("example.com", error);
    REQUIRE(first);
    auto second = cache.get("EXAMPLE.com.", error);  // same canonical name
    CHECK(second == first);
    const auto stats = cache.counters();
    CHECK(stats.hits == 1);
    CHECK(stats.misses == 1);
    CHECK(stats.mints == 1);
    CHECK(stats.evictions == 0);
}

TEST_CASE("certs leaf_cache: evicts the least recently used host, not the oldest") {
    phiguard::test::test_ca ca;
    certs::leaf_cache cache(ca.minter, 2);
    std::string error;
    auto a = cache.get("a.example", error);
    auto b = cache.get("b.example", error);
    REQUIRE(a);
    REQUIRE(b);
    CHECK(cache.get("a.example", error) == a);  // a is now more recent than b
    auto c = cache.get("c.example", error);     // evicts b
    REQUIRE(c);
    CHECK(cache.size() == 2);
    CHECK(cache.counters().evictions == 1);
    CHECK(cache.get("a.example", error) == a);
    CHECK(cache.counters().mints == 3);
    CHECK(cache.get("b.example", error) != b);  // minted anew; evicts c
    CHECK(cache.counters().mints == 4);
    CHECK(cache.counters().evictions == 2);
    CHECK(cache.get("a.example", error) == a);
    CHECK(cache.counters().mints == 4);
}

TEST_CASE("certs leaf_cache: an invalid host is an error and is not cached") {
    phiguard::test::test_ca ca;
    certs::leaf_cache cache(ca.minter, 4);
    std::string error;
    CHECK(cache.get("not a host", error) == nullptr);
    CHECK_FALSE(error.empty());
    CHECK(cache.size() == 0);
    CHECK(cache.counters().mints == 0);
}

TEST_CASE("certs leaf_cache: concurrent first requests for one host mint once") {
    // An RSA-3072 CA makes each mint take about a millisecond, so the threads
    // released together really do overlap.
    phiguard::test::test_ca ca(certs::key_kind::rsa_3072);
    certs::leaf_cache cache(ca.minter, 100);
    constexpr int threads = 8;
    constexpr int rounds = 5;
    for (int round = 0; round < rounds; ++round) {
        const std::string host = "single" + std::to_string(round) + ".example";
        std::vector<std::shared_ptr<const certs::leaf>> got(threads);
        std::atomic<int> ready{0};
        std::vector<std::thread> pool;
        for (int i = 0; i < threads; ++i) {
            pool.emplace_back([&, i] {
                ready.fetch_add(1);
                while (ready.load() < threads) std::this_thread::yield();
                std::string error;
                got[static_cast<std::size_t>(i)] = cache.get(host, error);
            });
        }
        for (auto& t : pool) t.join();
        REQUIRE(got[0]);
        for (const auto& leaf : got) CHECK(leaf == got[0]);
        CHECK(cache.counters().mints == static_cast<std::uint64_t>(round + 1));
    }
    const auto stats = cache.counters();
    CHECK(stats.hits + stats.misses == threads * rounds);
}

TEST_CASE("certs leaf_cache: many threads over many hosts stay consistent") {
    phiguard::test::test_ca ca;
    certs::leaf_cache cache(ca.minter, 16);
    std::vector<std::thread> pool;
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t) {
        pool.emplace_back([&, t] {
            for (int i = 0; i < 200; ++i) {
                std::string error;
                const std::string host = "h" + std::to_string((i * 7 + t) % 40) + ".example";
                auto leaf = cache.get(host, error);
                if (!leaf || leaf->host != host) failures.fetch_add(1);
            }
        });
    }
    for (auto& th : pool) th.join();
    CHECK(failures.load() == 0);
    const auto stats = cache.counters();
    CHECK(stats.hits + stats.misses == 800);
    CHECK(cache.size() == 16);
    CHECK(stats.mints - stats.evictions == 16);
}

TEST_CASE("certs leaf_cache: refuses capacity 0 and a null minter") {
    phiguard::test::test_ca ca;
    CHECK_THROWS_AS(certs::leaf_cache(ca.minter, 0), certs::error);
    CHECK_THROWS_AS(certs::leaf_cache(nullptr), certs::error);
}
