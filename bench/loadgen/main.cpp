// phiguard-loadgen: the project's own load generator for any HTTP forward
// proxy. Prints a human summary and one machine-readable "result" line that
// bench/compare.sh collects into its table.
#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>

#include "connection.hpp"
#include "options.hpp"
#include "rss_sampler.hpp"
#include "run_state.hpp"
#include "target.hpp"

using namespace phiguard::loadgen;

namespace {

std::string command_line(int argc, char** argv) {
    std::string out;
    for (int i = 0; i < argc; ++i) {
        if (i) out += ' ';
        std::string arg = argv[i];
        bool const plain = arg.find_first_of(" '\"&?;[]*$") == std::string::npos && !arg.empty();
        out += plain ? arg : "'" + arg + "'";
    }
    return out;
}

int run(const options& opts, target tgt, const std::string& reproduce) {
    boost::asio::io_context ioc(1);
    run_state state(ioc, opts, std::move(tgt));
    rss_sampler rss(ioc, opts.rss_pids);
    rss.start();
    for (unsigned i = 0; i < opts.concurrency; ++i) std::make_shared<connection>(state)->start();
    boost::asio::steady_timer deadline(ioc);
    deadline.expires_at(state.measure_until);
    deadline.async_wait([&](boost::system::error_code ec) {
        if (!ec) state.stop();
    });
    ioc.run();
    // One more reading: idle connections still held at the end count too.
    double const peak = std::max(rss.peak_mib(), rss.sample_kib() / 1024.0);
    double const seconds = state.measured_seconds();
    auto const s = summarize(state.counted, seconds);
    auto const errors = state.counted.error_count();

    std::printf("%s: %zu requests in %.2f s, %.0f req/s, %.1f handshakes/s, %llu errors\n",
                opts.label.empty() ? "loadgen" : opts.label.c_str(),
                state.counted.latency_us.size(), seconds, s.requests_per_s, s.handshakes_per_s,
                static_cast<unsigned long long>(errors));
    std::printf("latency ms: p50 %.2f  p90 %.2f  p99 %.2f  max %.2f", s.p50_ms, s.p90_ms, s.p99_ms,
                s.max_ms);
    if (!opts.rss_pids.empty()) std::printf("  proxy peak RSS %.1f MiB", peak);
    std::printf("\n");
    if (state.counted.reconnects)
        std::printf("  retried on a new connection (reused one closed unannounced): %llu\n",
                    static_cast<unsigned long long>(state.counted.reconnects));
    for (auto const& [cause, count] : state.counted.errors)
        std::printf("  error %s: %llu\n", cause.c_str(), static_cast<unsigned long long>(count));
    std::printf("reproduce: %s\n", reproduce.c_str());
    std::printf(
        "result label=%s requests=%zu seconds=%.3f rps=%.1f hps=%.1f p50_ms=%.3f "
        "p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%llu rss_mib=%.1f\n",
        opts.label.empty() ? "-" : opts.label.c_str(), state.counted.latency_us.size(), seconds,
        s.requests_per_s, s.handshakes_per_s, s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms,
        static_cast<unsigned long long>(errors), peak);
    std::fflush(stdout);
    // A run with no successful request, or more errors than successes, is a failed run.
    return state.counted.latency_us.empty() || errors > state.counted.latency_us.size() ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
    options opts;
    int exit_code = 0;
    if (!parse_options(argc, argv, opts, exit_code)) return exit_code;
    auto tgt = make_target(opts);
    if (!tgt) return 2;
    try {
        return run(opts, std::move(*tgt), command_line(argc, argv));
    } catch (const std::exception& e) {
        std::fprintf(stderr, "loadgen: %s\n", e.what());
        return 2;
    }
}
