// Agreement of phiguard's PHI detectors with the expectations of two open-source PII detectors
// (Presidio, scrubadub), on their own test strings, read in place and never copied here.
//
//   cmake --build build --target bench_peer_agreement &&
//   build/bench/bench_peer_agreement [path/to/pii_cases.tsv] [--verbose]
//
// Each string is scanned as a text/plain body; a row agrees when phiguard reports as many
// findings of the entity's kinds as the peer expects. Two columns: at the default blocking
// threshold (confidence >= 0.5), and counting every validated candidate (threshold 0).
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "policy/scan/request_scan.hpp"

namespace {

using phiguard::policy::detector_config;
using phiguard::policy::detector_set;
using phiguard::policy::request_scan;

struct entity_map {
    const char* group;
    std::set<std::string> kinds;
};

// Peer entity name -> the group reported and the phiguard kinds that count for it.
const std::map<std::string, entity_map>& entities() {
    static const std::map<std::string, entity_map> m = {
        {"US_SSN", {"SSN", {"ssn"}}},
        {"SOCIAL_SECURITY_NUMBER", {"SSN", {"ssn"}}},
        {"PHONE_NUMBER", {"phone", {"phone"}}},
        {"PHONE", {"phone", {"phone"}}},
        {"EMAIL_ADDRESS", {"e-mail", {"email"}}},
        {"EMAIL", {"e-mail", {"email"}}},
        {"DATE_TIME", {"dates", {"dob", "appointment", "date"}}},
        {"DATE_OF_BIRTH", {"dates", {"dob", "appointment", "date"}}},
        {"US_NPI", {"NPI", {"npi"}}},
        {"US_MBI", {"MBI", {"mbi"}}},
        {"CREDIT_CARD", {"credit card", {"credit_card"}}},
        {"IP_ADDRESS", {"IP address", {"ip_address"}}},
    };
    return m;
}

std::string unescape(const std::string& s) {
    std::string r;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char n = s[++i];
            r.push_back(n == 't' ? '\t' : n == 'n' ? '\n' : n == 'r' ? '\r' : n);
        } else {
            r.push_back(s[i]);
        }
    }
    return r;
}

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> f;
    std::size_t pos = 0;
    while (true) {
        const auto t = line.find('\t', pos);
        f.push_back(line.substr(pos, t == std::string::npos ? std::string::npos : t - pos));
        if (t == std::string::npos) break;
        pos = t + 1;
    }
    return f;
}

int count(const std::shared_ptr<const detector_set>& set, const std::string& text,
          const std::set<std::string>& kinds) {
    request_scan scan(set);
    scan.scan_text(text);
    int n = 0;
    for (const auto& f : scan.findings()) n += kinds.count(f.kind) > 0;
    return n;
}

}  // namespace

int main(int argc, char** argv) {
    // Default: ../shared/peer-tests beside the repository this file was compiled from.
    std::string repo = __FILE__;
    repo = repo.substr(0, repo.rfind("/bench/"));
    std::string path = repo + "/../shared/peer-tests/pii_cases.tsv";
    bool verbose = false;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--verbose")
            verbose = true;
        else
            path = a;
    }
    std::ifstream in(path);
    if (!in) {
        std::printf("peer test strings are absent (%s); nothing to compare\n", path.c_str());
        return 0;
    }
    const auto strict = detector_set::build({});
    detector_config loose_cfg;
    loose_cfg.min_confidence = 0;
    const auto loose = detector_set::build(loose_cfg);

    struct tally {
        int rows = 0, strict = 0, loose = 0;
    };
    std::map<std::string, tally> by_group;
    std::map<std::string, int> skipped;
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
        const auto f = split_tabs(line);
        if (f.size() < 5) continue;
        const auto it = entities().find(f[1]);
        if (it == entities().end()) {
            ++skipped[f[1]];
            continue;
        }
        const int expected = std::stoi(f[2]);
        const std::string text = unescape(f[4]);
        const int s = count(strict, text, it->second.kinds);
        const int l = count(loose, text, it->second.kinds);
        auto& t = by_group[it->second.group];
        ++t.rows;
        t.strict += s == expected;
        t.loose += l == expected;
        if (verbose && s != expected)
            std::printf("  differs %-14s expected %d got %d (candidates %d): %s\n", f[1].c_str(),
                        expected, s, l, text.substr(0, 90).c_str());
    }
    std::printf("%-12s %5s  %22s  %22s\n", "entity", "rows", "agree @ threshold 0.5",
                "agree @ all candidates");
    int rows = 0, strict_ok = 0, loose_ok = 0;
    for (const auto& [group, t] : by_group) {
        std::printf("%-12s %5d  %14d (%5.1f%%)  %14d (%5.1f%%)\n", group.c_str(), t.rows, t.strict,
                    100.0 * t.strict / t.rows, t.loose, 100.0 * t.loose / t.rows);
        rows += t.rows;
        strict_ok += t.strict;
        loose_ok += t.loose;
    }
    std::printf("%-12s %5d  %14d (%5.1f%%)  %14d (%5.1f%%)\n", "all covered", rows, strict_ok,
                100.0 * strict_ok / rows, loose_ok, 100.0 * loose_ok / rows);
    int other = 0;
    for (const auto& [e, n] : skipped) other += n;
    std::printf("not covered by phiguard (skipped): %d rows of %zu entities\n", other,
                skipped.size());
    std::printf(
        "reproduce: cmake --build build --target bench_peer_agreement && "
        "build/bench/bench_peer_agreement %s\n",
        path.c_str());
    return 0;
}
