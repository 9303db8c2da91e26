#pragma once
#include <atomic>
#include <memory>

#include "policy/config/config.hpp"
#include "proxy/access_log.hpp"
#include "proxy/alert_log.hpp"
#include "proxy/metrics.hpp"
#include "proxy/policy_holder.hpp"
#include "proxy/upstream_rules.hpp"

namespace phiguard::proxy {
namespace tls {
class server_context;
class client_context;
}  // namespace tls

/// Process-wide counters, updated from every io thread.
struct proxy_counters {
    std::atomic<std::size_t> active_connections{0};
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> refused_connections{0};
};

/// What every session needs to know, shared read-only across io threads.
/// Mutable state lives in the atomics and in the per-thread workers.
struct proxy_context {
    policy::config cfg;
    upstream_rules rules;
    access_log access;
    std::shared_ptr<tls::client_context> upstream_tls;   ///< verifies origins
    std::shared_ptr<tls::server_context> intercept_tls;  ///< null: no interception
    mutable proxy_counters counters;
    mutable metrics
        stats;  ///< what /metrics shows  // statistics, not state: updated through const refs
    std::atomic<bool> draining{false};

    alert_log alerts;
    mutable policy_holder policies;  ///< swapped by reloads; read per request

    proxy_context(policy::config c, std::shared_ptr<log_file> access_file,
                  std::shared_ptr<log_file> alert_file)
        : cfg(std::move(c)),
          rules(cfg.run.upstream),
          access(std::move(access_file)),
          alerts(std::move(alert_file)) {}

    const policy::settings& run() const { return cfg.run; }
};

}  // namespace phiguard::proxy
