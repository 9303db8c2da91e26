// Reading the decision sections of a policy file: values land in the model, and each
// planted mistake is reported at its own line and column.
#include "policy/config/policy_sections.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "policy/config/loader.hpp"
#include "policy/decision/compile.hpp"

namespace phiguard::embedded {
std::string_view default_policy_yaml();
}

namespace {

using namespace phiguard::policy;

const std::string policies = std::string(PHIGUARD_TEST_DATA) + "/policies/";

// The diagnostic at line:column, or nullptr.
const diagnostic* at(const std::vector<diagnostic>& ds, int line, int column) {
    auto it = std::find_if(ds.begin(), ds.end(), [&](const diagnostic& d) {
        return d.line == line && d.column == column;
    });
    return it == ds.end() ? nullptr : &*it;
}

std::string all(const std::vector<diagnostic>& ds) {
    std::string out;
    for (const auto& d : ds) out += d.to_string() + "\n";
    return out;
}

}  // namespace

TEST_CASE("policy sections: every key is read into the model") {
    auto r = read_policy_text(R"(
destinations:
  - name: Epic Systems
    domains: ["*.epic.com", epic.com]
    category: other
    notes: EHR portal
    baa:
      status: signed
      reference: BAA-2024-017
      signed: 2024-01-15
      expires: 2027-01-14
      owner: privacy@examplehealth.org
first_party: [examplehealth.org]
rules:
  - id: r1
    description: first
    match: {categories: [advertising, analytics], baa: [none], tracker: true,
            third_party: true, phi: true, destinations: [meta], kinds: [ssn],
            locations: [query, body], methods: [post]}
    action: block
detectors:
  disabled: [ip_address]
  mrn_patterns: ["MRN\\d{8}"]
  extra_terms: [{term: long covid, kind: condition}]
  extra_keys: [{key: chart_no, kind: mrn}]
  min_confidence: 0.7
  max_decode_depth: 4
  max_decoded_bytes: 4MiB
  max_inflate_ratio: 50
body_limit: 512KiB
over_limit: alert
alert_log: /var/log/phiguard/alerts.json
)",
                              "/etc/phiguard/policy.yaml");
    INFO(all(r.diagnostics));
    REQUIRE(r.diagnostics.empty());
    const auto& m = r.model;
    REQUIRE(m.destinations.size() == 1);
    const auto& d = m.destinations[0];
    CHECK(d.name == "Epic Systems");
    CHECK(d.domains == std::vector<std::string>{"*.epic.com", "epic.com"});
    CHECK(d.cat == category::other);
    CHECK(d.notes == "EHR portal");
    REQUIRE(d.baa);
    CHECK(d.baa->status == "signed");
    CHECK(d.baa->reference == "BAA-2024-017");
    CHECK(d.baa->owner == "privacy@examplehealth.org");
    CHECK(d.baa->signed_on == calendar_date{2024, 1, 15});
    CHECK(d.baa->expires == calendar_date{2027, 1, 14});
    CHECK(d.baa->expires_at.line == 11);
    CHECK(d.baa->expires_at.column == 16);
    CHECK(d.baa->expires_at.file == "/etc/phiguard/policy.yaml");
    CHECK(m.first_party == std::vector<std::string>{"examplehealth.org"});
    REQUIRE(m.rules.size() == 1);
    const auto& ru = m.rules[0];
    CHECK(ru.id == "r1");
    CHECK(ru.description == "first");
    CHECK(ru.act == action::block);
    CHECK(ru.match.categories == std::vector{category::advertising, category::analytics});
    CHECK(ru.match.baa == std::vector{baa_state::none});
    CHECK(ru.match.tracker == true);
    CHECK(ru.match.third_party == true);
    CHECK(ru.match.phi == true);
    CHECK(ru.match.destinations == std::vector<std::string>{"meta"});
    CHECK(ru.match.kinds == std::vector<std::string>{"ssn"});
    CHECK(ru.match.locations == std::vector{location_kind::query, location_kind::body});
    CHECK(ru.match.methods == std::vector<std::string>{"POST"});
    CHECK(m.detectors.disabled == std::vector<std::string>{"ip_address"});
    CHECK(m.detectors.mrn_patterns == std::vector<std::string>{"MRN\\d{8}"});
    REQUIRE(m.detectors.extra_terms.size() == 1);
    CHECK(m.detectors.extra_terms[0].term == "long covid");
    REQUIRE(m.detectors.extra_keys.size() == 1);
    CHECK(m.detectors.extra_keys[0].kind == "mrn");
    CHECK(m.detectors.min_confidence == doctest::Approx(0.7));
    CHECK(m.detectors.max_decode_depth == 4);
    CHECK(m.detectors.max_decoded_bytes == 4u << 20);
    CHECK(m.detectors.max_inflate_ratio == 50);
    CHECK(m.body_limit == 512u * 1024);
    CHECK(m.over_limit == action::alert);
    CHECK(m.alert_log == "/var/log/phiguard/alerts.json");
}

TEST_CASE("policy sections: an empty policy keeps the reference table and fails closed") {
    auto r = read_policy_text("mode: enforce\n", "p.yaml");
    CHECK(r.diagnostics.empty());
    CHECK(r.model.rules.size() == default_rules().size());
    CHECK(r.model.rules.front().id == "baa-in-force");
    CHECK(r.model.body_limit == 8u << 20);
    CHECK(r.model.over_limit == action::block);
}

TEST_CASE("policy sections: each planted mistake is reported at its line and column") {
    auto r = read_policy_file(policies + "bad-policy.yaml");
    auto compiled = compile_policy(r.model, false, 1, calendar_date{2026, 11, 24},
                                   policies + "bad-policy.yaml");
    auto ds = r.diagnostics;
    ds.insert(ds.end(), compiled.diagnostics.begin(), compiled.diagnostics.end());
    INFO(all(ds));
    struct expected {
        int line, column;
        const char* text;
    };
    for (auto e : {
             expected{9, 16, "real date"},                // 2026-02-30
             expected{11, 5, "did you mean 'domains'?"},  // domians
             expected{13, 15, "can never match"},         // "*."
             expected{14, 15, "unknown category 'advertizing'"},
             expected{16, 15, "is a tracker"},           // facebook.com under BAA
             expected{21, 13, "did you mean 'block'?"},  // blok
             expected{22, 9, "duplicate rule id 'phi-block'"},
             expected{26, 18, "rejected by Hyperscan"},  // MRN(\d{8}
         }) {
        CAPTURE(e.line);
        CAPTURE(e.column);
        auto d = at(ds, e.line, e.column);
        REQUIRE(d != nullptr);
        CHECK(d->level == diagnostic::severity::error);
        CHECK(d->message.find(e.text) != std::string::npos);
        CHECK(d->file == policies + "bad-policy.yaml");
    }
    // Each mistake once (a rejected MRN pattern is not reported again by the build), plus
    // the destination left without domains by its misspelt key.
    CHECK(std::count_if(ds.begin(), ds.end(), [](const diagnostic& d) {
              return d.level == diagnostic::severity::error;
          }) == 9);
    REQUIRE(at(ds, 10, 5));
    CHECK(at(ds, 10, 5)->message == "a destination needs 'domains'");
}

TEST_CASE("policy sections: never-matching domain patterns are refused") {
    auto r = read_policy_text(R"(
first_party: ["*.*.com", "exa mple.com", "https://examplehealth.org", "a..b", ok.example]
)",
                              "p.yaml");
    CHECK(r.diagnostics.size() == 4);
    CHECK(r.model.first_party == std::vector<std::string>{"ok.example"});
    REQUIRE(at(r.diagnostics, 2, 15));
    CHECK(at(r.diagnostics, 2, 15)->message.find("'*'") != std::string::npos);
}

TEST_CASE("policy sections: included files add to the lists, errors point into them") {
    auto r = read_policy_file(policies + "with-includes.yaml");
    INFO(all(r.diagnostics));
    REQUIRE(r.diagnostics.size() == 1);
    const auto& d = r.diagnostics[0];
    CHECK(d.file == policies + "includes/vendors.yaml");
    CHECK(d.line == 6);
    CHECK(d.column == 15);
    CHECK(d.message.find("contains a space") != std::string::npos);
    REQUIRE(r.model.destinations.size() == 2);
    CHECK(r.model.destinations[0].name == "Twilio");
    CHECK(r.model.destinations[0].baa->expires_at.file == policies + "includes/vendors.yaml");
    CHECK(r.model.first_party ==
          std::vector<std::string>{"examplehealth.org", "examplehealth.net"});

    auto missing = read_policy_text("includes: [no-such-file.yaml]\n", policies + "x.yaml");
    REQUIRE(missing.diagnostics.size() == 1);
    CHECK(missing.diagnostics[0].line == 1);
    CHECK(missing.diagnostics[0].column == 12);
}

TEST_CASE("policy sections: wrong values keep their defaults and say what is expected") {
    auto r = read_policy_text(R"(body_limit: 8 parsecs
over_limit: drop
rules:
  - description: no id, no action
    match: {baa: [maybe], locations: [cookie], phi: sometimes}
destinations:
  - name: A
    domains: [a.example]
    baa: {status: signd, signed: 2025-01-10, expires: 2024-01-10}
  - name: A
    domains: [b.example]
)",
                              "p.yaml");
    INFO(all(r.diagnostics));
    CHECK(r.model.body_limit == 8u << 20);
    CHECK(r.model.over_limit == action::block);
    for (auto [line, column, text] :
         {std::tuple{1, 13, "'body_limit' must be a size"},
          std::tuple{2, 13, "'over_limit' must be"}, std::tuple{4, 5, "needs an 'id'"},
          std::tuple{5, 19, "'maybe' is not a valid baa"},
          std::tuple{5, 39, "'cookie' is not a valid locations"},
          std::tuple{5, 53, "'phi' must be true or false"},
          std::tuple{9, 19, "did you mean 'signed'?"},
          std::tuple{9, 55, "'expires' is before 'signed'"},
          std::tuple{10, 5, "duplicate destination name 'A'"}}) {
        CAPTURE(line);
        auto d = at(r.diagnostics, line, column);
        REQUIRE(d != nullptr);
        CHECK(d->message.find(text) != std::string::npos);
    }
}

TEST_CASE("policy sections: the embedded default policy reads and builds with no problem") {
    auto r = read_policy_text(phiguard::embedded::default_policy_yaml(), "<embedded>");
    INFO(all(r.diagnostics));
    CHECK(r.diagnostics.empty());
    REQUIRE(r.model.rules.size() == default_rules().size());
    for (std::size_t i = 0; i < r.model.rules.size(); ++i) {
        CHECK(r.model.rules[i].id == default_rules()[i].id);
        CHECK(r.model.rules[i].act == default_rules()[i].act);
    }
    auto compiled = compile_policy(r.model, false, 1, today_utc(), "<embedded>");
    INFO(all(compiled.diagnostics));
    CHECK(compiled.ok());
    REQUIRE(compiled.built);
    CHECK(compiled.built->detectors()->pattern_count() > 0);
}

TEST_CASE("policy sections: the deploy example policy reads and builds with no error") {
    const auto file = std::string(PHIGUARD_SOURCE_DIR) + "/deploy/example-policy.yaml";
    auto r = read_policy_file(file);
    INFO(all(r.diagnostics));
    CHECK(r.ok());
    // Through the whole loader too: its own sections use only keys it knows.
    auto whole = load_config_file(file);
    INFO(all(whole.diagnostics));
    CHECK(whole.diagnostics.empty());
    CHECK(whole.cfg.policy.destinations.size() == r.model.destinations.size());
    CHECK(r.model.destinations.size() >= 3);
    auto compiled = compile_policy(r.model, false, 1, calendar_date{2027, 11, 24}, "example");
    INFO(all(compiled.diagnostics));
    CHECK(compiled.ok());
    // The example shows the warning: its CRM BAA expires on 2027-12-15.
    CHECK(std::any_of(compiled.diagnostics.begin(), compiled.diagnostics.end(),
                      [](const diagnostic& d) {
                          return d.level == diagnostic::severity::warning &&
                                 d.message.find("expires on") != std::string::npos;
                      }));
}

TEST_CASE("policy sections: the section keys are the ones the reader owns") {
    auto keys = policy_section_keys();
    CHECK(keys.size() == 9);
    CHECK(std::find(keys.begin(), keys.end(), "destinations") != keys.end());
    CHECK(std::find(keys.begin(), keys.end(), "includes") != keys.end());
    CHECK(std::find(keys.begin(), keys.end(), "mode") == keys.end());
}
