#pragma once
// What every connection of one run shares: the proxy's address, the prepared
// request, the TLS client context, the measured window and the counters.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <chrono>
#include <optional>

#include "options.hpp"
#include "stats.hpp"
#include "target.hpp"

namespace phiguard::loadgen {

using clock = std::chrono::steady_clock;

struct run_state {
    run_state(boost::asio::io_context& io, options o, target t);

    boost::asio::io_context& ioc;
    options opts;
    target tgt;
    boost::asio::ssl::context tls{boost::asio::ssl::context::tls_client};
    boost::asio::ip::tcp::endpoint proxy;
    clock::time_point measure_from;  // end of warm-up
    clock::time_point measure_until;
    stats counted;
    bool stopping = false;
    clock::time_point stopped_at{};

    // Seconds actually measured: the window, or less when --requests ended it early.
    double measured_seconds() const;

    bool measuring(clock::time_point t) const { return t >= measure_from && t < measure_until; }
    // In fixed-rate mode, the time the next request is due; nullopt in closed-loop mode.
    std::optional<clock::time_point> next_slot();
    void count_error(const char* cause);
    void count_request(clock::time_point started, clock::time_point done);
    void stop();

private:
    std::uint64_t slots_taken_ = 0;
    std::uint64_t failures_ = 0;
    clock::time_point schedule_start_;
};

}  // namespace phiguard::loadgen
