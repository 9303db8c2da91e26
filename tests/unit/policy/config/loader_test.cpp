#include "policy/config/loader.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

using namespace phiguard::policy;
using namespace std::chrono_literals;

namespace {

load_result load(const std::string& yaml) {
    return load_config_text(yaml, "p.yaml");
}

std::string messages(const load_result& r) {
    std::string all;
    for (const auto& d : r.diagnostics) all += d.to_string() + "\n";
    return all;
}

}  // namespace

TEST_CASE("config: an empty policy is all defaults") {
    for (auto text : {"", "\n", "# only a comment\n", "~\n"}) {
        CAPTURE(text);
        auto r = load(text);
        CHECK(messages(r) == "");
        CHECK(r.ok());
        const config defaults;
        CHECK(r.cfg.mode == config::enforcement::enforce);
        CHECK(r.cfg.run.listen == defaults.run.listen);
        CHECK(r.cfg.run.listen == std::vector<std::string>{"127.0.0.1:3128"});
        CHECK(r.cfg.run.threads == 0);
        CHECK(r.cfg.run.access_log.empty());
        CHECK(r.cfg.run.limits.header_fields == 100);
        CHECK(r.cfg.run.limits.head_timeout == 30s);
        CHECK(r.cfg.run.upstream.connect_ports == std::vector<std::uint16_t>{443});
        CHECK_FALSE(r.cfg.run.upstream.forwarded_for);
        CHECK(r.cfg.tls.intercept);
        CHECK(r.cfg.tls.ca_dir == "/var/lib/phiguard/ca");
        CHECK(r.cfg.tls.leaf_cache_size == 1000);
    }
}

TEST_CASE("config: the embedded default policy loads with no diagnostics") {
    auto r = load_default_config();
    CHECK(messages(r) == "");
    CHECK(r.ok());
    CHECK(r.cfg.mode == config::enforcement::enforce);
    CHECK(r.cfg.run.listen == std::vector<std::string>{"127.0.0.1:3128"});
}

TEST_CASE("config: every top-level and section key is read") {
    auto r = load(R"(
mode: monitor
listen: ["127.0.0.1:3128", "[::1]:8080"]
threads: 4
access_log: /var/log/phiguard/access.log
limits:
  max_connections: 500
  header_bytes: 32768
  header_fields: 64
  head_timeout: 10s
  idle_timeout: 2m
  body_timeout: 45s
  drain_timeout: 1500ms
upstream:
  connect_timeout: 3s
  response_timeout: 1m
  tunnel_idle_timeout: 1h
  pool_idle_timeout: 20s
  pool_max_idle_per_host: 8
  allow: [10.20.0.0/16, "fd00::/8"]
  resolve: ["api.test:443:192.0.2.5"]
  connect_to: ["example.com:443:backend.test:8443"]
  connect_ports: [443, 8443]
  forwarded_for: true
tls:
  intercept: false
  ca_dir: /etc/phiguard/ca
  no_intercept: [bank.example, "*.health.example"]
  upstream_ca: [/etc/ssl/extra.pem]
  leaf_cache_size: 50
)");
    REQUIRE(messages(r) == "");
    CHECK(r.cfg.mode == config::enforcement::monitor);
    CHECK(r.cfg.run.listen == std::vector<std::string>{"127.0.0.1:3128", "[::1]:8080"});
    CHECK(r.cfg.run.threads == 4);
    CHECK(r.cfg.run.access_log == "/var/log/phiguard/access.log");
    const auto& l = r.cfg.run.limits;
    CHECK(l.max_connections == 500);
    CHECK(l.header_bytes == 32768);
    CHECK(l.header_fields == 64);
    CHECK(l.head_timeout == 10s);
    CHECK(l.idle_timeout == 2min);
    CHECK(l.body_timeout == 45s);
    CHECK(l.drain_timeout == 1500ms);
    const auto& u = r.cfg.run.upstream;
    CHECK(u.connect_timeout == 3s);
    CHECK(u.response_timeout == 1min);
    CHECK(u.tunnel_idle_timeout == 1h);
    CHECK(u.pool_idle_timeout == 20s);
    CHECK(u.pool_max_idle_per_host == 8);
    CHECK(u.allow == std::vector<std::string>{"10.20.0.0/16", "fd00::/8"});
    CHECK(u.resolve == std::vector<std::string>{"api.test:443:192.0.2.5"});
    CHECK(u.connect_to == std::vector<std::string>{"example.com:443:backend.test:8443"});
    CHECK(u.connect_ports == std::vector<std::uint16_t>{443, 8443});
    CHECK(u.forwarded_for);
    CHECK_FALSE(r.cfg.tls.intercept);
    CHECK(r.cfg.tls.ca_dir == "/etc/phiguard/ca");
    CHECK(r.cfg.tls.no_intercept == std::vector<std::string>{"bank.example", "*.health.example"});
    CHECK(r.cfg.tls.upstream_ca == std::vector<std::string>{"/etc/ssl/extra.pem"});
    CHECK(r.cfg.tls.leaf_cache_size == 50);
}

TEST_CASE("config: unknown keys get a did-you-mean in every section") {
    auto r = load(
        "mod: monitor\n"
        "limits:\n"
        "  idle_timout: 5s\n"
        "upstream:\n"
        "  conect_timeout: 1s\n"
        "tls:\n"
        "  no_intercpt: []\n"
        "  wholly_unrelated_key: 1\n");
    CHECK(messages(r) ==
          "p.yaml:1:1: error: unknown key 'mod' in the policy; did you mean 'mode'?\n"
          "p.yaml:3:3: error: unknown key 'idle_timout' in 'limits'; did you mean "
          "'idle_timeout'?\n"
          "p.yaml:5:3: error: unknown key 'conect_timeout' in 'upstream'; did you mean "
          "'connect_timeout'?\n"
          "p.yaml:7:3: error: unknown key 'no_intercpt' in 'tls'; did you mean 'no_intercept'?\n"
          "p.yaml:8:3: error: unknown key 'wholly_unrelated_key' in 'tls'\n");
    CHECK_FALSE(r.ok());
    CHECK(r.cfg.mode == config::enforcement::enforce);
}

TEST_CASE("config: wrong types and values are reported, defaults kept") {
    auto r = load(
        "mode: relaxed\n"
        "threads: many\n"
        "limits:\n"
        "  max_connections: 0\n"
        "  header_bytes: 100\n"
        "  head_timeout: soon\n"
        "  header_fields: -1\n"
        "upstream:\n"
        "  connect_ports: 443\n"
        "  forwarded_for: perhaps\n"
        "tls: [intercept]\n");
    CHECK(messages(r) ==
          "p.yaml:1:7: error: 'mode' must be 'enforce' or 'monitor'\n"
          "p.yaml:2:10: error: 'threads' must be a non-negative whole number\n"
          "p.yaml:7:18: error: 'header_fields' must be a non-negative whole number\n"
          "p.yaml:6:17: error: 'head_timeout' must be a duration such as 500ms, 30s, 5m or 1h\n"
          "p.yaml:4:20: error: 'max_connections' must be at least 1\n"
          "p.yaml:5:17: error: 'header_bytes' below 1024 would refuse ordinary requests\n"
          "p.yaml:9:18: error: 'connect_ports' must be a list of ports\n"
          "p.yaml:10:18: error: 'forwarded_for' must be true or false\n"
          "p.yaml:11:6: error: 'tls' must be a mapping of keys to values\n");
    CHECK(r.cfg.run.limits.head_timeout == 30s);
    CHECK(r.cfg.run.limits.header_fields == 100);
    CHECK(r.cfg.run.upstream.connect_ports == std::vector<std::uint16_t>{443});
}

TEST_CASE("config: bad CIDRs in upstream.allow point at the item") {
    auto r = load(
        "upstream:\n"
        "  allow:\n"
        "    - 10.0.0.0/8\n"
        "    - 10.0.0.1/8\n"
        "    - not-a-network\n"
        "    - fd00::/8\n"
        "    - 192.168.0.0/33\n");
    CHECK(messages(r) ==
          "p.yaml:4:7: error: '10.0.0.1/8' is not a network in CIDR form (e.g. 10.0.0.0/8)\n"
          "p.yaml:5:7: error: 'not-a-network' is not a network in CIDR form (e.g. 10.0.0.0/8)\n"
          "p.yaml:7:7: error: '192.168.0.0/33' is not a network in CIDR form (e.g. "
          "10.0.0.0/8)\n");
}

TEST_CASE("config: a single scalar in a list key is still validated") {
    auto r = load(
        "listen: nowhere\n"
        "upstream:\n"
        "  allow: 10.0.0.1/8\n"
        "  resolve: bad\n"
        "  connect_to: a:b\n");
    CHECK(messages(r) ==
          "p.yaml:1:9: error: 'nowhere' is not HOST:PORT\n"
          "p.yaml:3:10: error: '10.0.0.1/8' is not a network in CIDR form (e.g. 10.0.0.0/8)\n"
          "p.yaml:4:12: error: 'bad' is not HOST:PORT:ADDRESS\n"
          "p.yaml:5:15: error: 'a:b' is not HOST1:PORT1:HOST2:PORT2\n");
    auto ok = load("listen: 0.0.0.0:3128\nupstream:\n  allow: 10.0.0.0/8\n");
    CHECK(messages(ok) == "");
    CHECK(ok.cfg.run.listen == std::vector<std::string>{"0.0.0.0:3128"});
    CHECK(ok.cfg.run.upstream.allow == std::vector<std::string>{"10.0.0.0/8"});
}

TEST_CASE("config: bad resolve, connect_to and listen items point at the item") {
    auto r = load(
        "listen: [\"127.0.0.1:3128\", \"127.0.0.1\"]\n"
        "upstream:\n"
        "  resolve: [\"a.test:443:192.0.2.1\", \"a.test:443:nope\"]\n"
        "  connect_to: [\"::b.test:\", \"x:y:z\"]\n");
    CHECK(messages(r) ==
          "p.yaml:1:28: error: '127.0.0.1' is not HOST:PORT\n"
          "p.yaml:3:37: error: 'a.test:443:nope' is not HOST:PORT:ADDRESS\n"
          "p.yaml:4:29: error: 'x:y:z' is not HOST1:PORT1:HOST2:PORT2\n");
}

TEST_CASE("config: YAML syntax errors carry line and column") {
    auto r = load("mode: enforce\nlimits:\n  head_timeout: [10s\n");
    REQUIRE(r.diagnostics.size() == 1);
    CHECK_FALSE(r.ok());
    CHECK(r.diagnostics[0].file == "p.yaml");
    CHECK(r.diagnostics[0].line == 4);
    CHECK(r.diagnostics[0].column >= 1);
    CHECK_FALSE(r.diagnostics[0].message.empty());

    auto tabs = load("limits:\n\thead_timeout: 1s\n");
    REQUIRE(tabs.diagnostics.size() == 1);
    CHECK(tabs.diagnostics[0].line == 2);

    auto quote = load("mode: \"enforce\nthreads: 2\n");
    REQUIRE(quote.diagnostics.size() == 1);
    CHECK(quote.diagnostics[0].line >= 1);
}

TEST_CASE("config: a policy that is not a mapping is refused") {
    auto r = load("- mode\n- enforce\n");
    CHECK(messages(r) == "p.yaml:1:1: error: the policy must be a mapping of keys to values\n");
}

TEST_CASE("config: many problems are reported in one pass") {
    auto r = load(
        "mode: maybe\n"
        "listn: []\n"
        "limits:\n"
        "  idle_timeout: forever\n"
        "upstream:\n"
        "  allow: [1.2.3.4/8]\n"
        "tls:\n"
        "  leaf_cache_size: lots\n");
    CHECK(r.diagnostics.size() == 5);
    CHECK_FALSE(r.ok());
    std::vector<int> lines;
    for (const auto& d : r.diagnostics) lines.push_back(d.line);
    CHECK(std::find(lines.begin(), lines.end(), 1) != lines.end());
    CHECK(std::find(lines.begin(), lines.end(), 2) != lines.end());
    CHECK(std::find(lines.begin(), lines.end(), 4) != lines.end());
    CHECK(std::find(lines.begin(), lines.end(), 6) != lines.end());
    CHECK(std::find(lines.begin(), lines.end(), 8) != lines.end());
}

TEST_CASE("config: load_config_file reads a file and names it in diagnostics") {
    auto dir = std::filesystem::temp_directory_path();
    auto p = dir / ("phiguard-loader-" + std::to_string(::getpid()) + ".yaml");
    { std::ofstream(p) << "mode: monitor\nthreads: x\n"; }
    auto r = load_config_file(p);
    std::filesystem::remove(p);
    CHECK(r.cfg.mode == config::enforcement::monitor);
    REQUIRE(r.diagnostics.size() == 1);
    CHECK(r.diagnostics[0].to_string() ==
          p.string() + ":2:10: error: 'threads' must be a non-negative whole number");

    auto missing = load_config_file(dir / "phiguard-no-such-policy.yaml");
    REQUIRE(missing.diagnostics.size() == 1);
    CHECK_FALSE(missing.ok());
    CHECK(missing.diagnostics[0].message == "cannot read the file");
    CHECK(missing.diagnostics[0].line == 0);
}

TEST_CASE("config: a repeated key is an error, not silently ignored") {
    auto r = load(
        "upstream:\n"
        "  allow: [10.0.0.0/8]\n"
        "  connect_timeout: 1s\n"
        "  allow: [192.168.0.0/16]\n");
    CHECK(messages(r) ==
          "p.yaml:4:3: error: duplicate key 'allow' in 'upstream'; only the first, on line 2, "
          "would be used\n");
    CHECK_FALSE(r.ok());
}
