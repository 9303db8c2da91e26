#pragma once
#include <functional>
#include <thread>
#include <unordered_set>

#include "policy/config/settings.hpp"
#include "proxy/beast.hpp"
#include "proxy/upstream_pool.hpp"

namespace phiguard::proxy {

/// Something the worker can ask to wind down (sessions, tunnels).
class drainable {
public:
    virtual ~drainable() = default;
    /// Drain started: close now if idle, else close after the current exchange.
    virtual void drain() = 0;
    /// Drain deadline passed: close now.
    virtual void abort() = 0;
};

/// One io_context run by one thread, with the state that belongs to it: the
/// upstream connection pool and the live connections. A connection stays on
/// its worker for life, so none of this needs a lock.
class worker {
public:
    explicit worker(const policy::upstream_settings& upstream);
    ~worker();

    net::io_context& ioc() { return ioc_; }
    upstream_pool& pool() { return pool_; }

    void start();
    void stop();  ///< from any thread
    void join();

    void attach(drainable* d) { live_.insert(d); }
    void detach(drainable* d) { live_.erase(d); }
    /// From any thread: runs drain()/abort() on every live connection here.
    void post_drain();
    void post_abort();

private:
    void schedule_sweep();

    // Declaration order is destruction order reversed: handlers still queued
    // in ioc_ own sessions that detach from live_ as they die, so live_ must
    // outlive ioc_, and the pooled sockets must go before ioc_ does.
    std::unordered_set<drainable*> live_;
    net::io_context ioc_{1};
    upstream_pool pool_;
    net::steady_timer sweep_timer_;
    std::chrono::milliseconds sweep_every_;
    std::thread thread_;
};

}  // namespace phiguard::proxy
