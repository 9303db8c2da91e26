#include "proxy/cmd_inspect.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

#include <strings.h>

#include "policy/config/check_report.hpp"
#include "policy/config/loader.hpp"
#include "policy/decision/baa.hpp"
#include "policy/decision/compile.hpp"
#include "policy/destinations/category.hpp"
#include "policy/engine.hpp"
#include "policy/scan/request_scan.hpp"
#include "proxy/alert_log.hpp"
#include "proxy/json_line.hpp"

namespace phiguard::proxy {
namespace {

struct outcome {
    std::shared_ptr<const policy::engine> engine;
    policy::classified where;
    std::vector<policy::finding> findings;
    policy::verdict verdict;
};

std::string host_of(const std::string& url) {
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    auto end = url.find_first_of("/?#", start);
    auto authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (!authority.empty() && authority.front() == '[')
        return authority.substr(1, authority.find(']') - 1);
    return authority.substr(
        0, authority.rfind(':') == std::string::npos ? authority.size() : authority.rfind(':'));
}

std::string target_of(const std::string& url) {
    auto start = url.find("://");
    start = start == std::string::npos ? 0 : start + 3;
    auto path = url.find_first_of("/?", start);
    return path == std::string::npos ? "/" : url.substr(path);
}

std::optional<outcome> inspect(const inspect_args& args) {
    auto loaded = args.config_file ? policy::load_config_file(*args.config_file)
                                   : policy::load_default_config();
    for (const auto& d : loaded.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    if (!loaded.ok()) return std::nullopt;
    // Validated like run and check-config: an answer from a policy the proxy
    // would refuse to start on would mislead.
    auto compiled = policy::compile_policy(
        loaded.cfg.policy, loaded.cfg.mode == policy::config::enforcement::monitor, 1,
        policy::today_utc(), args.config_file.value_or("<embedded default policy>"));
    for (const auto& d : compiled.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    if (!compiled.ok()) {
        std::fprintf(stderr, "phiguard: the policy has errors; run check-config on it\n");
        return std::nullopt;
    }
    outcome out;
    out.engine = compiled.built;
    out.where = out.engine->classify(host_of(args.url), target_of(args.url), policy::today_utc());
    policy::request_scan scan(out.engine->detectors());
    scan.scan_target(args.method, args.url);
    std::string content_type, content_encoding;
    for (const auto& h : args.headers) {
        auto colon = h.find(':');
        if (colon == std::string::npos) {
            std::fprintf(stderr, "phiguard: --header '%s': expected 'Name: value'\n", h.c_str());
            return std::nullopt;
        }
        auto name = h.substr(0, colon);
        auto value = h.substr(h.find_first_not_of(' ', colon + 1) == std::string::npos
                                  ? h.size()
                                  : h.find_first_not_of(' ', colon + 1));
        if (strcasecmp(name.c_str(), "content-type") == 0) content_type = value;
        if (strcasecmp(name.c_str(), "content-encoding") == 0) content_encoding = value;
        scan.scan_header(name, value);
    }
    if (args.body_file) {
        std::ifstream in(*args.body_file, std::ios::binary);
        if (!in) {
            std::fprintf(stderr, "phiguard: cannot read %s\n", args.body_file->c_str());
            return std::nullopt;
        }
        std::ostringstream body;
        body << in.rdbuf();
        scan.begin_body(content_type, content_encoding);
        scan.body(body.str());
        scan.end_body();
    }
    out.findings = scan.findings();
    out.verdict = out.engine->decide(out.where, args.method, out.findings);
    return out;
}

json_line destination_json(const outcome& o) {
    json_line d;
    d.add("host", o.where.dest.host)
        .add("registrable_domain", o.where.dest.registrable_domain)
        .add("organization", o.where.organization)
        .add("category", policy::to_string(o.where.cat))
        .add("tracker", o.where.tracker)
        .add("third_party", o.where.third_party)
        .add("baa", policy::to_string(o.where.baa));
    if (o.where.dest.listed) d.add("list_rule", o.where.dest.list_rule);
    if (o.where.entry && o.where.entry->baa) {
        const auto& b = *o.where.entry->baa;
        d.add("baa_status", b.status)
            .add("baa_reference", b.reference)
            .add("baa_signed", b.signed_on ? policy::to_string(*b.signed_on) : std::string())
            .add("baa_expires", b.expires ? policy::to_string(*b.expires) : std::string())
            .add("baa_owner", b.owner);
    }
    return d;
}

void print_destination(const outcome& o) {
    const auto& w = o.where;
    std::printf("destination: %s (%s)\n", w.dest.host.c_str(), w.dest.registrable_domain.c_str());
    std::printf("  organization: %s\n", w.organization.empty() ? "-" : w.organization.c_str());
    std::printf("  category: %s%s, %s party\n", std::string(policy::to_string(w.cat)).c_str(),
                w.tracker ? " (tracker)" : "", w.third_party ? "third" : "first");
    if (w.dest.listed) std::printf("  matched list rule: %s\n", w.dest.list_rule.c_str());
    std::printf("  BAA: %s", std::string(policy::to_string(w.baa)).c_str());
    if (w.entry && w.entry->baa) {
        const auto& b = *w.entry->baa;
        auto date = [](const std::optional<policy::calendar_date>& d) {
            return d ? policy::to_string(*d) : std::string("-");
        };
        std::printf(" (%s, reference %s, signed %s, expires %s, owner %s)", b.status.c_str(),
                    b.reference.c_str(), date(b.signed_on).c_str(), date(b.expires).c_str(),
                    b.owner.c_str());
    }
    std::printf("\n");
}

void print_findings(const outcome& o) {
    std::printf("findings: %zu\n", o.findings.size());
    for (const auto& f : o.findings)
        std::printf("  %-18s %-14s %-30s %s (confidence %.2f)\n", f.kind.c_str(),
                    f.detector.c_str(), f.location.c_str(), f.hint.c_str(), f.confidence);
}

}  // namespace

int cmd_scan(const inspect_args& args) {
    auto o = inspect(args);
    if (!o) return 1;
    if (args.json) {
        std::printf("%s", json_line{}
                              .add_raw("destination", destination_json(*o).object())
                              .add_raw("findings", findings_json(o->findings))
                              .str()
                              .c_str());
        return 0;
    }
    print_destination(*o);
    print_findings(*o);
    return 0;
}

int cmd_explain(const inspect_args& args) {
    auto o = inspect(args);
    if (!o) return 1;
    const auto& v = o->verdict;
    if (args.json) {
        auto verdict = json_line{}
                           .add("action", policy::to_string(v.act))
                           .add("configured", policy::to_string(v.configured))
                           .add("rule_id", v.rule_id)
                           .add("rule", v.rule_description)
                           .add("mode", o->engine->monitor() ? "monitor" : "enforce");
        std::printf("%s", json_line{}
                              .add_raw("verdict", verdict.object())
                              .add_raw("destination", destination_json(*o).object())
                              .add_raw("findings", findings_json(o->findings))
                              .str()
                              .c_str());
        return 0;
    }
    std::printf("verdict: %s", std::string(policy::to_string(v.act)).c_str());
    if (v.act != v.configured)
        std::printf(" (rule says %s; monitor mode)",
                    std::string(policy::to_string(v.configured)).c_str());
    std::printf("\nrule: %s — %s\n", v.rule_id.c_str(), v.rule_description.c_str());
    print_destination(*o);
    print_findings(*o);
    return 0;
}

int cmd_check_config(const std::string& file) {
    auto loaded = policy::load_config_file(file);
    auto today = policy::today_utc();
    // Compile even when reading found errors, so cross-checks (a tracker
    // that is also a BAA vendor) are reported with the other mistakes.
    auto compiled = policy::compile_policy(
        loaded.cfg.policy, loaded.cfg.mode == policy::config::enforcement::monitor, 1, today, file);
    loaded.diagnostics.insert(loaded.diagnostics.end(), compiled.diagnostics.begin(),
                              compiled.diagnostics.end());
    std::printf("%s", policy::check_report(loaded.cfg.policy, loaded.diagnostics,
                                           compiled.built.get(), compiled.compile_ms, today)
                          .c_str());
    return policy::has_errors(loaded.diagnostics) ? 1 : 0;
}

}  // namespace phiguard::proxy
