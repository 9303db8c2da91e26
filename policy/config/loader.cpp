#include "policy/config/loader.hpp"

#include <fstream>
#include <sstream>

#include "policy/config/net_syntax.hpp"
#include "policy/config/policy_sections.hpp"
#include "policy/config/yaml_reader.hpp"
#include "policy/database_cache.hpp"
#include "policy/decision/domain_pattern.hpp"

namespace phiguard::embedded {
std::string_view default_policy_yaml();
}

namespace phiguard::policy {
namespace {

// A list may also be written as one scalar; point at the offending item.
template <class Valid>
void check_list_items(yaml_reader& r, const YAML::Node& list, Valid valid, const char* expected) {
    if (!list) return;
    auto check = [&](const YAML::Node& item) {
        if (item.IsScalar() && !valid(item.Scalar()))
            r.error(item, "'" + item.Scalar() + "' is not " + expected);
    };
    if (list.IsScalar()) return check(list);
    if (!list.IsSequence()) return;
    for (const auto& item : list) check(item);
}

void read_limits(yaml_reader& r, const YAML::Node& node, limits_settings& out) {
    if (!r.expect_map(node, "'limits'")) return;
    r.check_keys(node,
                 {"max_connections", "header_bytes", "header_fields", "head_timeout",
                  "idle_timeout", "body_timeout", "drain_timeout"},
                 "'limits'");
    r.read(node, "max_connections", out.max_connections);
    r.read(node, "header_bytes", out.header_bytes);
    r.read(node, "header_fields", out.header_fields);
    r.read(node, "head_timeout", out.head_timeout);
    r.read(node, "idle_timeout", out.idle_timeout);
    r.read(node, "body_timeout", out.body_timeout);
    r.read(node, "drain_timeout", out.drain_timeout);
    if (node["max_connections"] && out.max_connections == 0)
        r.error(node["max_connections"], "'max_connections' must be at least 1");
    if (node["header_bytes"] && out.header_bytes < 1024)
        r.error(node["header_bytes"], "'header_bytes' below 1024 would refuse ordinary requests");
}

void read_upstream(yaml_reader& r, const YAML::Node& node, upstream_settings& out) {
    if (!r.expect_map(node, "'upstream'")) return;
    r.check_keys(node,
                 {"connect_timeout", "response_timeout", "tunnel_idle_timeout", "pool_idle_timeout",
                  "pool_max_idle_per_host", "allow", "resolve", "connect_to", "connect_ports",
                  "forwarded_for"},
                 "'upstream'");
    r.read(node, "connect_timeout", out.connect_timeout);
    r.read(node, "response_timeout", out.response_timeout);
    r.read(node, "tunnel_idle_timeout", out.tunnel_idle_timeout);
    r.read(node, "pool_idle_timeout", out.pool_idle_timeout);
    r.read(node, "pool_max_idle_per_host", out.pool_max_idle_per_host);
    r.read(node, "allow", out.allow);
    r.read(node, "resolve", out.resolve);
    r.read(node, "connect_to", out.connect_to);
    r.read(node, "connect_ports", out.connect_ports);
    r.read(node, "forwarded_for", out.forwarded_for);
    // Point at the offending list item, not the list.
    auto check_items = [&](const char* key, auto valid, const char* expected) {
        check_list_items(r, node[key], valid, expected);
    };
    check_items(
        "allow", [](const std::string& s) { return parse_cidr(s).has_value(); },
        "a network in CIDR form (e.g. 10.0.0.0/8)");
    check_items(
        "resolve", [](const std::string& s) { return parse_resolve_pin(s).has_value(); },
        "HOST:PORT:ADDRESS");
    check_items(
        "connect_to", [](const std::string& s) { return parse_connect_to_pin(s).has_value(); },
        "HOST1:PORT1:HOST2:PORT2");
}

void read_tls(yaml_reader& r, const YAML::Node& node, tls_settings& out) {
    if (!r.expect_map(node, "'tls'")) return;
    r.check_keys(node, {"intercept", "ca_dir", "no_intercept", "upstream_ca", "leaf_cache_size"},
                 "'tls'");
    r.read(node, "intercept", out.intercept);
    r.read(node, "ca_dir", out.ca_dir);
    r.read(node, "no_intercept", out.no_intercept);
    // The same host patterns as destinations: one that can never match would
    // leave a bank or identity provider intercepted while the file says not.
    if (const auto list = node["no_intercept"]; list && list.IsSequence())
        for (const auto& item : list)
            if (item.IsScalar())
                if (auto problem = domain_pattern_problem(item.Scalar()))
                    r.error(item, "no_intercept pattern '" + item.Scalar() +
                                      "' can never match: " + *problem);
    r.read(node, "upstream_ca", out.upstream_ca);
    r.read(node, "leaf_cache_size", out.leaf_cache_size);
}

void read_root(yaml_reader& r, const YAML::Node& root, config& cfg,
               std::vector<diagnostic>& diagnostics) {
    if (!root || root.IsNull()) return;  // an empty file is the defaults
    if (!r.expect_map(root, "the policy")) return;
    std::vector<std::string_view> known{"mode",       "listen",       "threads",
                                        "access_log", "limits",       "upstream",
                                        "tls",        "admin_listen", "cache_dir"};
    for (auto key : policy_section_keys()) known.push_back(key);
    r.check_keys(root, known, "the policy");
    if (auto mode = root["mode"]) {
        if (mode.IsScalar() && mode.Scalar() == "enforce")
            cfg.mode = config::enforcement::enforce;
        else if (mode.IsScalar() && mode.Scalar() == "monitor")
            cfg.mode = config::enforcement::monitor;
        else
            r.error(mode, "'mode' must be 'enforce' or 'monitor'");
    }
    r.read(root, "listen", cfg.run.listen);
    check_list_items(
        r, root["listen"], [](const std::string& s) { return parse_host_port(s).has_value(); },
        "HOST:PORT");
    r.read(root, "threads", cfg.run.threads);
    r.read(root, "access_log", cfg.run.access_log);
    if (root["admin_listen"]) {
        r.read(root, "admin_listen", cfg.run.admin_listen);
        cfg.run.admin_listen_set = true;
        if (!cfg.run.admin_listen.empty() && !parse_host_port(cfg.run.admin_listen))
            r.error(root["admin_listen"], "'admin_listen' must be HOST:PORT (or \"\" for none)");
    }
    if (root["cache_dir"]) {
        std::string dir;
        r.read(root, "cache_dir", dir);
        cfg.policy.database_cache =
            dir.empty() ? std::nullopt : std::optional<std::filesystem::path>(dir);
    }
    read_limits(r, root["limits"], cfg.run.limits);
    read_upstream(r, root["upstream"], cfg.run.upstream);
    read_tls(r, root["tls"], cfg.tls);
    read_policy_sections(r, root, cfg.policy, diagnostics);
}

}  // namespace

load_result load_config_text(std::string_view yaml, const std::string& file_name) {
    load_result result;
    yaml_reader reader(file_name, result.diagnostics);
    result.cfg.policy.database_cache = default_database_cache_dir();  // `cache_dir:` overrides
    try {
        read_root(reader, YAML::Load(std::string(yaml)), result.cfg, result.diagnostics);
    } catch (const YAML::Exception& e) {
        // Syntax errors carry yaml-cpp's mark: 0-based, reported 1-based.
        result.diagnostics.push_back(
            {file_name, e.mark.line + 1, e.mark.column + 1, diagnostic::severity::error, e.msg});
    }
    return result;
}

load_result load_config_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        load_result result;
        result.diagnostics.push_back(
            {file.string(), 0, 0, diagnostic::severity::error, "cannot read the file"});
        return result;
    }
    std::ostringstream text;
    text << in.rdbuf();
    return load_config_text(text.str(), file.string());
}

load_result load_default_config() {
    return load_config_text(embedded::default_policy_yaml(), "<embedded default policy>");
}

}  // namespace phiguard::policy
