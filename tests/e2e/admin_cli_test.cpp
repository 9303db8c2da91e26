// The administrator's commands of the real binary: `ca init/show`, `check-config` with every
// planted mistake at its line and column, and the `explain`/`scan` dry runs.
#include "e2e/tracker_requests.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <regex>
#include <string>

#include "e2e/intercept_fixture.hpp"
#include "e2e/support/command.hpp"
#include "e2e/support/policy_text.hpp"
#include "e2e/support/proxy_process.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

command_result run_phiguard(std::vector<std::string> args) {
    args.insert(args.begin(), phiguard_binary());
    return run_command(args, policy_compile_limit);
}

// The output line that starts with "FILE:LINE:COL:", or "".
std::string line_at(const std::string& output, const std::string& prefix) {
    std::size_t pos = 0;
    while (pos < output.size()) {
        auto const end = output.find('\n', pos);
        auto const line =
            output.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
        if (line.rfind(prefix, 0) == 0) return line;
        if (end == std::string::npos) break;
        pos = end + 1;
    }
    return {};
}

std::string hex_only(const std::string& s) {
    std::string out;
    for (char c : s)
        if (std::isxdigit(static_cast<unsigned char>(c)) != 0)
            out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// The corpus policy (tests/data/policies/corpus-policy.yaml) written to `dir` with every BAA
// expiring on `expires`, so that "in force" stays true whatever day the suite runs; returns the
// copy's path.
std::string corpus_policy_until(const temp_dir& dir, const std::string& expires) {
    auto const text =
        read_file_text(std::string(PHIGUARD_TEST_DATA) + "/policies/corpus-policy.yaml");
    std::regex const date("expires: [0-9]{4}-[0-9]{2}-[0-9]{2}");
    auto const dates =
        std::distance(std::sregex_iterator(text.begin(), text.end(), date), std::sregex_iterator());
    REQUIRE(dates == 2);  // Epic's and Twilio's
    return dir.write("corpus-policy.yaml", std::regex_replace(text, date, "expires: " + expires));
}

}  // namespace

TEST_CASE("admin cli: ca init writes a 0600 key, refuses to overwrite, and ca show describes it") {
    temp_dir dir;
    auto const ca_dir = dir.file("ca");
    auto const init = run_phiguard({"ca", "init", "--dir", ca_dir});
    INFO(init.out);
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    auto const cert = ca_dir + "/phiguard-ca.pem";
    auto const key = ca_dir + "/phiguard-ca.key";
    CHECK(init.out.find(cert) != std::string::npos);
    CHECK(init.out.find("update-ca-certificates") != std::string::npos);
    CHECK(icontains(init.out, "firefox"));
    struct stat st {};
    REQUIRE(::stat(key.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    auto const before = read_file_text(cert);
    auto const again = run_phiguard({"ca", "init", "--dir", ca_dir});
    CHECK(again.exit_code == 1);
    CHECK_FALSE(again.err.empty());
    CHECK(read_file_text(cert) == before);

    auto const show = run_phiguard({"ca", "show", "--dir", ca_dir});
    INFO(show.out);
    INFO(show.err);
    CHECK(show.exit_code == 0);
    auto const fp =
        run_command({"openssl", "x509", "-in", cert, "-noout", "-fingerprint", "-sha256"}, 10s);
    auto const want = hex_only(fp.out.substr(fp.out.find('=') + 1));
    REQUIRE(want.size() == 64);
    CHECK(hex_only(show.out).find(want) != std::string::npos);
    CHECK(show.out.find("not after") != std::string::npos);
    auto const subject = run_command({"openssl", "x509", "-in", cert, "-noout", "-subject"}, 10s);
    auto const cn_at = subject.out.find("CN");
    REQUIRE(cn_at != std::string::npos);
    auto cn = subject.out.substr(subject.out.find('=', cn_at) + 1);
    cn = cn.substr(0, cn.find(','));  // "CN = name, O = org": the name alone
    while (!cn.empty() && (cn.back() == '\n' || cn.back() == ' ')) cn.pop_back();
    while (!cn.empty() && cn.front() == ' ') cn.erase(0, 1);
    CHECK(show.out.find(cn) != std::string::npos);
}

TEST_CASE("admin cli: ca init --key-type rsa-3072 makes an RSA CA that run accepts") {
    temp_dir dir;
    auto const ca_dir = dir.file("ca");
    auto const init = run_phiguard({"ca", "init", "--dir", ca_dir, "--key-type", "rsa-3072"});
    INFO(init.err);
    REQUIRE(init.exit_code == 0);
    auto const text = run_command(
        {"openssl", "x509", "-in", ca_dir + "/phiguard-ca.pem", "-noout", "-text"}, 10s);
    CHECK(text.out.find("rsaEncryption") != std::string::npos);
    CHECK(text.out.find("3072 bit") != std::string::npos);
    CHECK(text.out.find("CA:TRUE") != std::string::npos);
    proxy_process proxy({"run", "--listen", "127.0.0.1:0", "--ca-dir", ca_dir}, {},
                        policy_compile_limit);
    CHECK(proxy.stderr_text().find("intercepting TLS") != std::string::npos);
}

TEST_CASE("admin cli: check-config reports each planted mistake at its line and column") {
    temp_dir dir;
    std::string const yaml =
        "mode: enforce\n"
        "listen:\n"
        "  - 127.0.0.1:3128\n"
        "destinations:\n"
        "  - name: Epic Systems\n"
        "    domains: [\"*.epic.com\"]\n"
        "    baa:\n"
        "      status: signed\n"
        "      signed: 2024-13-45\n"
        "      expires: " +
        date_in_days(365) +
        "\n"
        "    colour: blue\n"
        "upstream:\n"
        "  allow: [10.0.0.0/33]\n"
        "rules:\n"
        "  - id: r1\n"
        "    match: {tracker: true}\n"
        "    action: blok\n"
        "detectors:\n"
        "  mrn_patterns:\n"
        "    - \"EH(\\\\d{8}\"\n"
        "tls:\n"
        "  no_intercept: [\"bank.example/path\"]\n"
        "modee: monitor\n";
    auto const file = dir.write("planted.yaml", yaml);
    auto const r = run_phiguard({"check-config", file});
    INFO(r.out);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    auto const output = r.out + r.err;

    struct planted {
        const char* token;
        const char* says;
    };
    for (auto const& p : {planted{"2024-13-45", "date"}, planted{"colour", "colour"},
                          planted{"10.0.0.0/33", "CIDR"}, planted{"blok", "block"},
                          planted{"\"EH(", "Hyperscan"}, planted{"modee", "mode"}}) {
        auto const prefix = file + ":" + position_of(yaml, p.token) + ":";
        CAPTURE(prefix);
        auto const line = line_at(output, prefix);
        CHECK_MESSAGE(!line.empty(), "no diagnostic for " << p.token);
        CHECK(line.find("error") != std::string::npos);
        CHECK(line.find(p.says) != std::string::npos);
    }
    CHECK(line_at(output, file + ":" + position_of(yaml, "modee") + ":")
              .find("did you mean 'mode'") != std::string::npos);
    // A host pattern with a path never matches a CONNECT host: the bank would be intercepted.
    CHECK(line_at(output, file + ":" + position_of(yaml, "\"bank.example/path\"") + ":")
              .find(": error: no_intercept pattern 'bank.example/path' can never match") !=
          std::string::npos);
    CHECK(output.find("FAILED") != std::string::npos);
}

TEST_CASE("admin cli: check-config passes a good policy, warns of a BAA about to expire") {
    temp_dir dir;
    auto const good = run_phiguard({"check-config", corpus_policy_until(dir, date_in_days(365))});
    INFO(good.out);
    INFO(good.err);
    CHECK(good.exit_code == 0);
    CHECK(good.out.find("destinations: 2 (2 with a BAA, 2 BAAs in force, 0 expiring") !=
          std::string::npos);
    CHECK(good.out.find("OK (0 warnings)") != std::string::npos);

    auto const soon = date_in_days(10);
    auto const file = dir.write("soon.yaml", test_policy(soon));
    auto const r = run_phiguard({"check-config", file});
    INFO(r.out);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    auto const prefix = file + ":" + position_of(test_policy(soon), soon) + ":";
    CAPTURE(prefix);
    CHECK(line_at(r.out + r.err, prefix).find("warning") != std::string::npos);
}

TEST_CASE("admin cli: explain names the verdict, the rule and the BAA for a request") {
    temp_dir dir;
    auto const expires = date_in_days(365);
    auto const corpus_policy = corpus_policy_until(dir, expires);
    auto const pixel = meta_pixel_condition();
    auto const blocked = run_phiguard({"explain", "--config", corpus_policy, "--url", pixel.url});
    INFO(blocked.out);
    INFO(blocked.err);
    CHECK(blocked.exit_code == 0);
    CHECK(blocked.out.find("verdict: block") != std::string::npos);
    CHECK(blocked.out.find("tracker-phi") != std::string::npos);
    CHECK(blocked.out.find("condition") != std::string::npos);
    CHECK(leaked_value(blocked.out, {pixel}).empty());

    auto const epic = epic_patient();
    auto const body = dir.write("patient.json", epic.body);
    std::vector<std::string> const args{"explain",     "--config", corpus_policy,
                                        "--url",       epic.url,   "--method",
                                        "POST",        "--header", "Content-Type: application/json",
                                        "--body-file", body};
    auto const allowed = run_phiguard(args);
    INFO(allowed.out);
    INFO(allowed.err);
    CHECK(allowed.exit_code == 0);
    CHECK(allowed.out.find("verdict: allow") != std::string::npos);
    CHECK(allowed.out.find("baa-in-force") != std::string::npos);
    CHECK(allowed.out.find("BAA-TEST-EPIC") != std::string::npos);
    CHECK(allowed.out.find(expires) != std::string::npos);
    CHECK(allowed.out.find("mrn") != std::string::npos);
    CHECK(leaked_value(allowed.out, {epic}).empty());

    auto json_args = args;
    json_args.push_back("--json");
    auto const as_json = run_phiguard(json_args);
    INFO(as_json.out);
    CHECK(as_json.exit_code == 0);
    boost::json::error_code ec;
    auto const v = boost::json::parse(as_json.out, ec);
    REQUIRE_FALSE(ec);
    REQUIRE(v.is_object());
    CHECK(field(v.as_object(), "verdict.action") == "allow");
    CHECK(field(v.as_object(), "verdict.rule_id") == "baa-in-force");
    CHECK(field(v.as_object(), "destination.organization") == "Epic Systems");
    CHECK(field(v.as_object(), "destination.baa") == "in_force");
    CHECK(leaked_value(as_json.out, {epic}).empty());
}

TEST_CASE("admin cli: run refuses to start on a policy that declares a tracker a BAA vendor") {
    // Well-formed YAML whose second destination claims a BAA for a domain the built-in catalogue
    // lists as a tracker: check-config, run and explain must all refuse it, at the same place.
    temp_dir dir;
    auto const expires = date_in_days(365);
    std::string const yaml =
        "destinations:\n"
        "  - name: Epic Systems\n"
        "    domains: [\"*.epic.com\"]\n"
        "    baa: {status: signed, signed: 2024-01-15, expires: " +
        expires +
        "}\n"
        "  - name: Analytics Partner\n"
        "    domains:\n"
        "      - analytics.examplehealth.org\n"
        "      - \"*.google-analytics.com\"\n"
        "    baa: {status: signed, signed: 2024-01-15, expires: " +
        expires +
        "}\n"
        "first_party:\n"
        "  - portal.examplehealth.org\n";
    auto const file = dir.write("tracker-baa.yaml", yaml);
    auto const prefix = file + ":" + position_of(yaml, "\"*.google-analytics.com\"") + ":";
    CAPTURE(prefix);
    auto const names_conflict = [&](const std::string& output) {
        auto const line = line_at(output, prefix);
        CHECK_MESSAGE(!line.empty(), "no diagnostic at " << prefix);
        CHECK(line.find("error: destination 'Analytics Partner' has a BAA but "
                        "'*.google-analytics.com' is a tracker") != std::string::npos);
        CHECK(line.find("a destination cannot be both") != std::string::npos);
    };

    auto const check = run_phiguard({"check-config", file});
    INFO("check-config:\n" << check.out << check.err);
    CHECK(check.exit_code == 1);
    names_conflict(check.out + check.err);

    auto const run = run_phiguard({"run", "--listen", "127.0.0.1:0", "--no-intercept", "--config",
                                   file, "--admin-listen", ""});
    INFO("run:\n" << run.out << run.err);
    CHECK_FALSE(run.timed_out);
    CHECK(run.exit_code != 0);
    CHECK(run.err.find("not starting") != std::string::npos);
    CHECK(run.err.find("listening on") == std::string::npos);
    names_conflict(run.err);

    // A dry run on a policy the proxy would refuse gives no verdict at all, not an "allow" from
    // the BAA the file wrongly grants.
    auto const epic = epic_patient();
    auto const body = dir.write("patient.json", epic.body);
    auto const explain =
        run_phiguard({"explain", "--config", file, "--url", epic.url, "--method", "POST",
                      "--header", "Content-Type: application/json", "--body-file", body});
    INFO("explain:\n" << explain.out << explain.err);
    CHECK(explain.exit_code != 0);
    CHECK(explain.out.find("verdict") == std::string::npos);
    names_conflict(explain.err);
    auto const on_tracker =
        run_phiguard({"explain", "--config", file, "--url", meta_pixel_condition().url, "--json"});
    INFO("explain --json:\n" << on_tracker.out << on_tracker.err);
    CHECK(on_tracker.exit_code != 0);
    CHECK(on_tracker.out.find("verdict") == std::string::npos);
}

TEST_CASE("admin cli: scan --json lists the findings of a request without their values") {
    temp_dir dir;
    auto const ga4 = ga4_batch_mrn();
    auto const body = dir.write("batch.txt", ga4.body);
    auto const r =
        run_phiguard({"scan", "--url", ga4.url, "--method", "POST", "--header",
                      "Content-Type: " + ga4.content_type, "--body-file", body, "--json"});
    INFO(r.out);
    INFO(r.err);
    CHECK(r.exit_code == 0);
    boost::json::error_code ec;
    auto const v = boost::json::parse(r.out, ec);
    REQUIRE_FALSE(ec);
    auto const text = boost::json::serialize(v);
    CHECK(text.find("mrn") != std::string::npos);
    CHECK(text.find("google-analytics") != std::string::npos);
    CHECK(text.find("MRN00913377") == std::string::npos);
}
