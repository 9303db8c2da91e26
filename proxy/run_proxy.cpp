#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "certs/authority.hpp"
#include "certs/leaf_cache.hpp"
#include "certs/leaf_minter.hpp"
#include "policy/config/loader.hpp"
#include "proxy/run_options.hpp"
#include "proxy/server.hpp"
#include "proxy/tls/client_context.hpp"
#include "proxy/tls/server_context.hpp"

namespace phiguard::proxy {
namespace {

policy::load_result load(const run_options& o) {
    return o.config_file ? policy::load_config_file(*o.config_file) : policy::load_default_config();
}

// TLS towards origins always; towards clients only when intercepting.
void setup_tls(proxy_context& ctx) {
    std::vector<std::filesystem::path> extra(ctx.cfg.tls.upstream_ca.begin(),
                                             ctx.cfg.tls.upstream_ca.end());
    ctx.upstream_tls = std::make_shared<tls::client_context>(std::move(extra));
    if (!ctx.cfg.tls.intercept) return;
    auto ca = certs::authority::load(ctx.cfg.tls.ca_dir);
    auto minter = std::make_shared<const certs::leaf_minter>(ca);
    auto leaves = std::make_shared<certs::leaf_cache>(minter, ctx.cfg.tls.leaf_cache_size);
    ctx.intercept_tls = std::make_shared<tls::server_context>(std::move(leaves));
    spdlog::info("intercepting TLS with the CA in {}", ctx.cfg.tls.ca_dir);
}

}  // namespace

int run_proxy(const run_options& options) {
    // Operational messages go to stderr: stdout may carry the access log.
    spdlog::set_default_logger(spdlog::stderr_color_mt("phiguard"));
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    auto loaded = load(options);
    for (const auto& d : loaded.diagnostics) std::fprintf(stderr, "%s\n", d.to_string().c_str());
    if (!loaded.ok()) {
        std::fprintf(stderr, "phiguard: the policy has errors; not starting\n");
        return 1;
    }
    auto errors = apply_run_options(options, loaded.cfg);
    for (const auto& e : errors) std::fprintf(stderr, "phiguard: %s\n", e.c_str());
    if (!errors.empty()) return 2;

    try {
        std::shared_ptr<log_file> access_file;
        if (!loaded.cfg.run.access_log.empty())
            access_file = std::make_shared<log_file>(loaded.cfg.run.access_log, true);
        auto alert_file = std::make_shared<log_file>(loaded.cfg.policy.alert_log);
        auto ctx = std::make_shared<proxy_context>(std::move(loaded.cfg), access_file, alert_file);
        setup_tls(*ctx);
        server srv(ctx, options);
        srv.start();
        return srv.run();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "phiguard: %s\n", e.what());
        return 1;
    }
}

}  // namespace phiguard::proxy
