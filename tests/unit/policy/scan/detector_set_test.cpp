#include "policy/scan/detector_set.hpp"

#include <doctest/doctest.h>

#include <stdexcept>
#include <string>
#include <thread>

#include "policy/scan/request_scan.hpp"

using namespace phiguard::policy;

TEST_CASE("detector_set: a generation compiles once and reports its size") {
    const auto a = detector_set::build({});
    const auto b = detector_set::build({});
    CHECK(a->pattern_count() > 1000);
    CHECK(a->database_bytes() > 0);
    CHECK(a->generation() != b->generation());
}

TEST_CASE("detector_set: a bad custom MRN pattern fails with Hyperscan's reason") {
    detector_config cfg;
    cfg.mrn_patterns = {"MRN(\\d{8}"};
    try {
        detector_set::build(cfg);
        FAIL("expected an exception");
    } catch (const std::runtime_error& e) {
        const std::string what = e.what();
        CHECK(what.find("hyperscan") != std::string::npos);
        CHECK(what.find("MRN(\\d{8}") != std::string::npos);
    }
}

TEST_CASE("detector_set: threads share a generation, each with its own scratch") {
    const auto set = detector_set::build({});
    std::vector<std::thread> threads;
    std::vector<int> found(4, 0);
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 50; ++i) {
                request_scan s(set);
                s.scan_target("GET", "https://t.example/p?ssn=219-09-9999&dob=1961-07-14");
                found[static_cast<std::size_t>(t)] += static_cast<int>(s.findings().size());
            }
        });
    for (auto& th : threads) th.join();
    for (int n : found) CHECK(n == 100);
}
