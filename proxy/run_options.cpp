#include "proxy/run_options.hpp"

#include "policy/config/net_syntax.hpp"

namespace phiguard::proxy {

std::vector<std::string> apply_run_options(const run_options& o, policy::config& cfg) {
    std::vector<std::string> errors;
    auto check = [&](const std::vector<std::string>& values, const char* flag, auto valid,
                     const char* form) {
        for (const auto& v : values)
            if (!valid(v)) errors.push_back(std::string(flag) + " '" + v + "': expected " + form);
    };
    check(
        o.listen, "--listen", [](auto& v) { return policy::parse_host_port(v).has_value(); },
        "HOST:PORT");
    check(
        o.resolve, "--resolve", [](auto& v) { return policy::parse_resolve_pin(v).has_value(); },
        "HOST:PORT:ADDRESS");
    check(
        o.connect_to, "--connect-to",
        [](auto& v) { return policy::parse_connect_to_pin(v).has_value(); },
        "HOST1:PORT1:HOST2:PORT2");
    check(
        o.allow_upstream, "--allow-upstream",
        [](auto& v) { return policy::parse_cidr(v).has_value(); }, "a network such as 10.0.0.0/8");

    auto& up = cfg.run.upstream;
    if (!o.listen.empty()) cfg.run.listen = o.listen;
    up.resolve.insert(up.resolve.end(), o.resolve.begin(), o.resolve.end());
    up.connect_to.insert(up.connect_to.end(), o.connect_to.begin(), o.connect_to.end());
    up.allow.insert(up.allow.end(), o.allow_upstream.begin(), o.allow_upstream.end());
    cfg.tls.upstream_ca.insert(cfg.tls.upstream_ca.end(), o.upstream_ca.begin(),
                               o.upstream_ca.end());
    if (o.access_log) cfg.run.access_log = *o.access_log;
    if (o.admin_listen) {
        if (!o.admin_listen->empty() && !policy::parse_host_port(*o.admin_listen))
            errors.push_back("--admin-listen '" + *o.admin_listen + "': expected HOST:PORT");
        cfg.run.admin_listen = *o.admin_listen;
        cfg.run.admin_listen_set = true;
    }
    if (o.alert_log) cfg.policy.alert_log = *o.alert_log;
    if (o.mode == "monitor") cfg.mode = policy::config::enforcement::monitor;
    if (o.mode == "enforce") cfg.mode = policy::config::enforcement::enforce;
    if (o.mode && *o.mode != "monitor" && *o.mode != "enforce")
        errors.push_back("--mode '" + *o.mode + "': expected enforce or monitor");
    if (o.threads) cfg.run.threads = *o.threads;
    if (o.ca_dir) cfg.tls.ca_dir = *o.ca_dir;
    if (o.no_intercept) cfg.tls.intercept = false;
    if (o.cache_dir)
        cfg.policy.database_cache = o.cache_dir->empty()
                                        ? std::nullopt
                                        : std::optional<std::filesystem::path>(*o.cache_dir);
    return errors;
}

}  // namespace phiguard::proxy
