#include "proxy/worker.hpp"

#include <vector>

namespace phiguard::proxy {

worker::worker(const policy::upstream_settings& upstream)
    : pool_(upstream.pool_max_idle_per_host, upstream.pool_idle_timeout),
      sweep_timer_(ioc_),
      sweep_every_(std::max(std::chrono::milliseconds(500), upstream.pool_idle_timeout / 2)) {}

worker::~worker() {
    stop();
    join();
}

void worker::start() {
    schedule_sweep();
    thread_ = std::thread([this] { ioc_.run(); });
}

void worker::stop() {
    ioc_.stop();
}

void worker::join() {
    if (thread_.joinable()) thread_.join();
}

void worker::schedule_sweep() {
    sweep_timer_.expires_after(sweep_every_);
    sweep_timer_.async_wait([this](error_code ec) {
        if (ec) return;
        pool_.sweep();
        schedule_sweep();
    });
}

void worker::post_drain() {
    net::post(ioc_, [this] {
        sweep_timer_.cancel();
        pool_.clear();
        // drain() may close and detach: iterate over a copy.
        std::vector<drainable*> now(live_.begin(), live_.end());
        for (auto* d : now)
            if (live_.count(d)) d->drain();
    });
}

void worker::post_abort() {
    net::post(ioc_, [this] {
        std::vector<drainable*> now(live_.begin(), live_.end());
        for (auto* d : now)
            if (live_.count(d)) d->abort();
    });
}

}  // namespace phiguard::proxy
