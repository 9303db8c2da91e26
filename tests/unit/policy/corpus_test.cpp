// The shared corpus (tests/data/corpus, synthetic tracker requests) and the benign set
// (tests/data/benign): each PHI case must be found with every kind it lists, each clean or
// benign case must yield no finding at all.
#include "policy/scan/request_scan.hpp"

#include <doctest/doctest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "policy/decode/base64.hpp"

namespace {

using phiguard::policy::detector_set;
using phiguard::policy::finding;
using phiguard::policy::request_scan;

struct request_case {
    std::string id, method, url, body, encoding;
    std::vector<std::pair<std::string, std::string>> headers;
    bool phi = false;
    std::vector<std::string> kinds;
};

std::vector<request_case> load(const std::string& path) {
    std::ifstream in(path);
    REQUIRE_MESSAGE(in.good(), "cannot open " << path);
    std::vector<request_case> cases;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        // Each line is a JSON object, which is YAML flow style.
        const YAML::Node n = YAML::Load(line);
        request_case c;
        c.id = n["id"].as<std::string>();
        c.method = n["method"].as<std::string>();
        c.url = n["url"].as<std::string>();
        c.body = n["body"].as<std::string>();
        c.encoding = n["body_encoding"].as<std::string>();
        for (const auto& h : n["headers"])
            c.headers.emplace_back(h.first.as<std::string>(), h.second.as<std::string>());
        c.phi = n["phi"].as<bool>();
        for (const auto& k : n["phi_kinds"]) c.kinds.push_back(k.as<std::string>());
        cases.push_back(std::move(c));
    }
    return cases;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::vector<finding> run(const std::shared_ptr<const detector_set>& set, const request_case& c,
                         std::size_t chunk) {
    request_scan scan(set);
    scan.scan_target(c.method, c.url);
    std::string content_type, content_encoding;
    for (const auto& [name, value] : c.headers) {
        scan.scan_header(name, value);
        if (lower(name) == "content-type") content_type = value;
        if (lower(name) == "content-encoding") content_encoding = value;
    }
    std::string body = c.body;
    if (c.encoding == "gzip-base64") {
        auto raw = phiguard::policy::decode::base64_decode(body);
        REQUIRE(raw);
        body = *raw;
    }
    if (!body.empty()) {
        scan.begin_body(content_type, content_encoding);
        for (std::size_t i = 0; i < body.size(); i += chunk)
            scan.body(std::string_view(body).substr(i, chunk));
        scan.end_body();
    }
    return scan.findings();
}

// The corpus names kinds as an analyst would; these are the engine's names for them.
std::string engine_kind(const std::string& k) {
    if (k == "email_sha256" || k == "phone_sha256") return "hashed_identifier";
    return k;
}

std::string describe(const std::vector<finding>& fs) {
    std::string s;
    for (const auto& f : fs) s += f.detector + "/" + f.kind + "@" + f.location + " ";
    return s;
}

}  // namespace

TEST_CASE("corpus: every PHI case is found with each kind it lists") {
    const auto set = detector_set::build({});
    const auto cases = load(PHIGUARD_TEST_DATA "/corpus/requests.jsonl");
    REQUIRE(cases.size() >= 20);
    int phi_cases = 0;
    for (const auto& c : cases) {
        if (!c.phi) continue;
        ++phi_cases;
        for (std::size_t chunk : {std::size_t{1} << 20, std::size_t{7}}) {
            const auto fs = run(set, c, chunk);
            CAPTURE(c.id);
            CAPTURE(chunk);
            INFO("findings: " << describe(fs));
            CHECK_FALSE(fs.empty());
            std::set<std::string> kinds;
            for (const auto& f : fs) kinds.insert(f.kind);
            for (const auto& k : c.kinds) CHECK_MESSAGE(kinds.count(engine_kind(k)) == 1, k);
        }
    }
    CHECK(phi_cases >= 15);
}

TEST_CASE("corpus: cases without PHI yield no finding") {
    const auto set = detector_set::build({});
    int clean = 0;
    for (const auto& c : load(PHIGUARD_TEST_DATA "/corpus/requests.jsonl")) {
        if (c.phi) continue;
        ++clean;
        const auto fs = run(set, c, 1 << 20);
        CAPTURE(c.id);
        INFO("findings: " << describe(fs));
        CHECK(fs.empty());
    }
    CHECK(clean >= 5);
}

TEST_CASE("benign: public hospital pages, product pages and plain analytics stay clean") {
    const auto set = detector_set::build({});
    const auto cases = load(PHIGUARD_TEST_DATA "/benign/requests.jsonl");
    REQUIRE(cases.size() >= 20);
    for (const auto& c : cases) {
        REQUIRE_FALSE(c.phi);
        const auto fs = run(set, c, 1 << 20);
        CAPTURE(c.id);
        INFO("findings: " << describe(fs));
        CHECK(fs.empty());
    }
}
