#include "stats.hpp"

#include <algorithm>

namespace phiguard::loadgen {

std::uint64_t stats::error_count() const {
    std::uint64_t n = 0;
    for (auto const& [cause, count] : errors) n += count;
    return n;
}

summary summarize(stats& s, double seconds) {
    summary out;
    out.seconds = seconds;
    auto& v = s.latency_us;
    std::sort(v.begin(), v.end());
    if (seconds > 0) {
        out.requests_per_s = static_cast<double>(v.size()) / seconds;
        out.handshakes_per_s = static_cast<double>(s.handshakes) / seconds;
    }
    // Nearest-rank percentiles: the value at or below which p of the samples fall.
    auto const at = [&](double p) {
        if (v.empty()) return 0.0;
        auto rank = static_cast<std::size_t>(p * static_cast<double>(v.size()) + 0.999999);
        rank = std::clamp<std::size_t>(rank, 1, v.size());
        return v[rank - 1] / 1000.0;
    };
    out.p50_ms = at(0.50);
    out.p90_ms = at(0.90);
    out.p99_ms = at(0.99);
    out.max_ms = v.empty() ? 0.0 : v.back() / 1000.0;
    return out;
}

}  // namespace phiguard::loadgen
