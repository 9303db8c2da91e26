#include "proxy/server.hpp"

#include <spdlog/spdlog.h>

#include <csignal>
#include <thread>

#include "policy/config/net_syntax.hpp"
#include "proxy/tls/server_context.hpp"

namespace phiguard::proxy {

server::server(std::shared_ptr<proxy_context> ctx, run_options options)
    : ctx_(std::move(ctx)),
      signals_(control_),
      drain_timer_(control_),
      log_flush_timer_(control_),
      reloader_(control_, ctx_, std::move(options)) {}

server::~server() {
    reloader_.stop();
    shutdown_workers();
}

void server::start() {
    reloader_.build_initial();
    auto threads = ctx_->run().threads;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < threads; ++i)
        workers_.push_back(std::make_unique<worker>(ctx_->run().upstream));
    for (const auto& text : ctx_->run().listen) {
        auto hp = policy::parse_host_port(text);
        if (!hp) throw std::runtime_error("invalid listen address '" + text + "'");
        error_code ec;
        auto address = net::ip::make_address(hp->host, ec);
        if (ec) throw std::runtime_error("listen address '" + text + "' must be an IP address");
        auto l = std::make_shared<listener>(control_, workers_, ctx_);
        try {
            l->open(tcp::endpoint(address, hp->port));
        } catch (const boost::system::system_error& e) {
            throw std::runtime_error("cannot listen on " + text + ": " + e.code().message());
        }
        auto ep = l->local_endpoint();
        auto shown =
            ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
        spdlog::info("listening on {}:{}", shown, ep.port());
        listeners_.push_back(std::move(l));
    }
    open_admin();
    for (auto& w : workers_) w->start();
    for (auto& l : listeners_) l->run();
    signals_.add(SIGTERM);
    signals_.add(SIGINT);
    signals_.add(SIGUSR1);
    signals_.add(SIGHUP);
    reloader_.watch();
    wait_signals();
    schedule_log_flush();
}

void server::open_admin() {
    const auto& where = ctx_->run().admin_listen;
    if (where.empty()) return;
    auto hp = policy::parse_host_port(where);
    error_code ec;
    auto address = hp ? net::ip::make_address(hp->host, ec) : net::ip::address{};
    if (!hp || ec) throw std::runtime_error("admin listen address '" + where + "' must be IP:PORT");
    auto ctx = ctx_;
    admin_ = std::make_unique<admin_server>(
        control_, tcp::endpoint(address, hp->port),
        // Ready once a policy generation is in force (the CA, when
        // intercepting, was loaded before start), until draining begins:
        // load balancers then stop sending new connections.
        [ctx] { return ctx->policies.current() != nullptr && !ctx->draining.load(); },
        [ctx] {
            if (ctx->intercept_tls) {
                auto c = ctx->intercept_tls->leaves().counters();
                ctx->stats.cert_cache(c.hits, c.misses, c.mints);
            }
            auto failures = [](const log_file* f) { return f ? f->failures() : 0; };
            ctx->stats.log_failures(failures(ctx->alerts.file()), failures(ctx->access.file()));
            return ctx->stats.render(ctx->counters.active_connections.load());
        });
    try {
        admin_->open();
    } catch (const std::exception& e) {
        // The default address may be taken (a second instance on one host);
        // only an address the operator chose is worth refusing to start for.
        if (ctx_->run().admin_listen_set) throw;
        spdlog::warn("admin listener not started: {} (set --admin-listen)", e.what());
        admin_.reset();
        return;
    }
    admin_->run();
}

int server::run() {
    control_.run();
    // The listeners' cancelled accepts may still be queued here, each holding
    // a socket that belongs to a worker's io_context: let them complete while
    // the workers exist (destroyed later with control_, they touched freed
    // memory; AddressSanitizer caught it on SIGTERM).
    control_.restart();
    control_.poll();
    if (admin_) admin_->close();
    shutdown_workers();
    spdlog::info("stopped{}", aborted_ ? " (drain deadline reached; connections cut)" : "");
    return 0;
}

void server::schedule_log_flush() {
    // The access log is batched (see log_file); this bounds how long a line
    // waits when traffic is light. Alerts are not batched.
    auto* file = ctx_->access.file();
    if (!file) return;
    log_flush_timer_.expires_after(std::chrono::milliseconds(100));
    log_flush_timer_.async_wait([this, file](error_code ec) {
        if (ec) return;
        file->flush();
        schedule_log_flush();
    });
}

void server::wait_signals() {
    signals_.async_wait([this](error_code ec, int signo) { on_signal(ec, signo); });
}

void server::on_signal(error_code ec, int signo) {
    if (ec) return;
    if (signo == SIGUSR1) {
        for (auto* file : {ctx_->access.file(), ctx_->alerts.file()})
            if (file && !file->reopen())
                spdlog::error("could not reopen {}; still writing to the old file", file->path());
        spdlog::info("logs reopened");
        return wait_signals();
    }
    if (signo == SIGHUP) {
        reloader_.reload("SIGHUP");
        return wait_signals();
    }
    if (ctx_->draining.load()) {
        spdlog::warn("second stop signal: exiting now");
        aborted_ = true;
        for (auto& w : workers_) w->post_abort();
        control_.stop();
        return;
    }
    begin_drain();
    wait_signals();
}

void server::begin_drain() {
    spdlog::info("stop requested: no new connections; draining for up to {} ms",
                 ctx_->run().limits.drain_timeout.count());
    ctx_->draining.store(true);
    for (auto& l : listeners_) l->close();
    for (auto& w : workers_) w->post_drain();
    reloader_.stop();
    drain_deadline_ = std::chrono::steady_clock::now() + ctx_->run().limits.drain_timeout;
    check_drained();
}

void server::check_drained() {
    if (ctx_->counters.active_connections.load() == 0) return control_.stop();
    if (std::chrono::steady_clock::now() >= drain_deadline_) {
        if (aborted_) return control_.stop();  // cut, and still not gone: stop anyway
        aborted_ = true;
        for (auto& w : workers_) w->post_abort();
        // Give the cut connections a moment to unwind on their threads.
        drain_deadline_ = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    }
    drain_timer_.expires_after(std::chrono::milliseconds(20));
    drain_timer_.async_wait([this](error_code ec) {
        if (!ec) check_drained();
    });
}

void server::shutdown_workers() {
    for (auto& w : workers_) w->stop();
    for (auto& w : workers_) w->join();
    workers_.clear();
}

}  // namespace phiguard::proxy
