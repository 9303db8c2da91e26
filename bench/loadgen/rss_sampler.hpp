#pragma once
// Peak resident memory of the proxy under test: the sum of VmRSS over the given
// processes and all their descendants (squid's helpers, privoxy's threads are
// one process), sampled on a timer while the load runs.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <vector>

namespace phiguard::loadgen {

class rss_sampler {
public:
    rss_sampler(boost::asio::io_context& ioc, std::vector<int> pids);
    void start();
    double peak_mib() const { return peak_kib_ / 1024.0; }
    // One reading now (also usable without start()).
    long sample_kib() const;

private:
    void on_tick();
    boost::asio::steady_timer timer_;
    std::vector<int> roots_;
    long peak_kib_ = 0;
};

}  // namespace phiguard::loadgen
