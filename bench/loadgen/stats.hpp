#pragma once
// What a run counted: every measured request's latency, errors by cause, and
// handshakes. One instance per run; the run is single-threaded, so no locks.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace phiguard::loadgen {

struct stats {
    std::vector<std::uint32_t> latency_us;  // one entry per measured, successful request
    std::uint64_t handshakes = 0;           // TLS handshakes completed in the measured window
    std::uint64_t connects = 0;             // TCP connections opened in the measured window
    std::uint64_t reconnects = 0;  // requests retried: a reused connection closed unannounced
    std::map<std::string, std::uint64_t> errors;  // cause → count (measured window)

    std::uint64_t error_count() const;
};

struct summary {
    double seconds = 0;
    double requests_per_s = 0;
    double handshakes_per_s = 0;
    double p50_ms = 0, p90_ms = 0, p99_ms = 0, max_ms = 0;
};

// Sorts the samples in place.
summary summarize(stats& s, double seconds);

}  // namespace phiguard::loadgen
