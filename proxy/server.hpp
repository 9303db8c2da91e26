#pragma once
#include <memory>
#include <vector>

#include "proxy/admin_server.hpp"
#include "proxy/beast.hpp"
#include "proxy/listener.hpp"
#include "proxy/policy_reloader.hpp"
#include "proxy/proxy_context.hpp"
#include "proxy/worker.hpp"

namespace phiguard::proxy {

/// The running proxy: N workers (one io thread each), the listeners on a
/// control io_context, and the signals that steer the process:
/// SIGTERM/SIGINT drain and exit, SIGHUP reloads the policy, SIGUSR1 reopens
/// the logs.
class server {
public:
    server(std::shared_ptr<proxy_context> ctx, run_options options);
    ~server();

    /// Compiles the policy, binds every listen address (throws naming the
    /// address or the policy error) and starts the workers. Logs
    /// "listening on ADDR:PORT" for each.
    void start();
    /// Runs until a drain completes; returns the process exit code.
    int run();

private:
    void wait_signals();
    void on_signal(error_code ec, int signo);
    void begin_drain();
    void check_drained();
    void shutdown_workers();
    void open_admin();
    void schedule_log_flush();

    std::shared_ptr<proxy_context> ctx_;
    net::io_context control_{1};
    net::signal_set signals_;
    net::steady_timer drain_timer_;
    net::steady_timer log_flush_timer_;
    std::chrono::steady_clock::time_point drain_deadline_{};
    bool aborted_ = false;
    std::vector<std::unique_ptr<worker>> workers_;
    std::vector<std::shared_ptr<listener>> listeners_;
    policy_reloader reloader_;
    std::unique_ptr<admin_server> admin_;  ///< after control_: destroyed before it
};

}  // namespace phiguard::proxy
