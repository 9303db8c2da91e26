#include "policy/config/check_report.hpp"

#include <doctest/doctest.h>

#include <string>

#include "policy/config/policy_sections.hpp"
#include "policy/decision/compile.hpp"

using namespace phiguard::policy;

TEST_CASE("check report: BAAs in force and expiring, patterns, and a warning at the expiry key") {
    const std::string file = std::string(PHIGUARD_TEST_DATA) + "/policies/corpus-policy.yaml";
    auto read = read_policy_file(file);
    REQUIRE(read.ok());
    const calendar_date today{2027, 2, 1};  // Twilio's BAA ends 2027-02-28; Epic's has ended
    auto compiled = compile_policy(read.model, false, 1, today, file);
    REQUIRE(compiled.built);
    auto ds = read.diagnostics;
    ds.insert(ds.end(), compiled.diagnostics.begin(), compiled.diagnostics.end());
    auto report = check_report(read.model, ds, compiled.built.get(), compiled.compile_ms, today);
    INFO(report);
    CHECK(
        report.find(file + ":19:16: warning: BAA of 'Twilio' expires on 2027-02-28 (in 27 days)") !=
        std::string::npos);
    CHECK(report.find(file + ":11:16: warning: BAA of 'Epic Systems' expired on 2027-01-14") !=
          std::string::npos);
    CHECK(
        report.find("destinations: 2 (2 with a BAA, 1 BAA in force, 1 expiring within 30 days)") !=
        std::string::npos);
    CHECK(report.find("patterns compiled") != std::string::npos);
    CHECK(report.find("compiled in ") != std::string::npos);
    CHECK(report.find("OK (2 warnings)") != std::string::npos);
}

TEST_CASE("check report: errors fail the check and are all listed") {
    const std::string file = std::string(PHIGUARD_TEST_DATA) + "/policies/bad-policy.yaml";
    auto read = read_policy_file(file);
    auto report = check_report(read.model, read.diagnostics, nullptr, 0, calendar_date{2026, 1, 1});
    INFO(report);
    CHECK(report.find("FAILED: ") != std::string::npos);
    CHECK(report.find(file + ":21:13: error: ") != std::string::npos);
    CHECK(report.find("not compiled") != std::string::npos);
}
