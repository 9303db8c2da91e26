#include "proxy/metrics.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <stdexcept>

#include "proxy/version.hpp"

namespace phiguard::proxy {
namespace {

constexpr auto relaxed = std::memory_order_relaxed;

// Requests span a cached block page (sub-millisecond) to a slow upload (a minute).
constexpr std::array<double, 15> request_bounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                                0.5,   1,      2.5,   5,    10,    30,   60};
// A scan is pure CPU over at most the body cap: microseconds to a fraction of a second.
constexpr std::array<double, 14> scan_bounds{0.00001, 0.000025, 0.00005, 0.0001, 0.00025,
                                             0.0005,  0.001,    0.0025,  0.005,  0.01,
                                             0.025,   0.05,     0.1,     0.25};

template <std::size_t N>
std::size_t index_of(const std::array<std::string_view, N>& names, std::string_view value) {
    auto it = std::find(names.begin(), names.end(), value);
    return it == names.end() ? N - 1 : static_cast<std::size_t>(it - names.begin());
}

void family(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
    fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

void sample(std::string& out, std::string_view name, std::uint64_t value) {
    fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
}

}  // namespace

latency_histogram::latency_histogram(std::span<const double> bounds) : size_(bounds.size()) {
    if (bounds.size() > max_bounds || !std::is_sorted(bounds.begin(), bounds.end()))
        throw std::invalid_argument("histogram bounds must be ascending and at most 16");
    std::copy(bounds.begin(), bounds.end(), bounds_.begin());
}

void latency_histogram::observe(double seconds) noexcept {
    if (!(seconds > 0)) seconds = 0;  // also maps NaN to 0
    auto const end = bounds_.begin() + static_cast<std::ptrdiff_t>(size_);
    auto const slot =
        static_cast<std::size_t>(std::lower_bound(bounds_.begin(), end, seconds) - bounds_.begin());
    buckets_[slot].fetch_add(1, relaxed);
    // Clamp before converting: a double past 2^64 ns (584 years) is undefined as an integer.
    double const ns = std::min(std::round(seconds * 1e9), 1e18);
    sum_ns_.fetch_add(static_cast<std::uint64_t>(ns), relaxed);
}

std::uint64_t latency_histogram::count() const noexcept {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= size_; ++i) total += buckets_[i].load(relaxed);
    return total;
}

void latency_histogram::render(std::string& out, std::string_view name) const {
    // Read every bucket once and derive the count from the same reads, so a scrape racing an
    // observation still shows _count equal to the +Inf bucket.
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < size_; ++i) {
        cumulative += buckets_[i].load(relaxed);
        fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"{}\"}} {}\n", name, bounds_[i],
                       cumulative);
    }
    cumulative += buckets_[size_].load(relaxed);
    fmt::format_to(std::back_inserter(out), "{}_bucket{{le=\"+Inf\"}} {}\n", name, cumulative);
    fmt::format_to(std::back_inserter(out), "{}_sum {}\n", name,
                   static_cast<double>(sum_ns_.load(relaxed)) / 1e9);
    fmt::format_to(std::back_inserter(out), "{}_count {}\n", name, cumulative);
}

metrics::metrics() : request_seconds_(request_bounds), scan_seconds_(scan_bounds) {}

void metrics::request_done(std::string_view verdict, double seconds) noexcept {
    requests_[index_of(verdicts, verdict)].fetch_add(1, relaxed);
    request_seconds_.observe(seconds);
}

void metrics::tunnel_done(std::string_view verdict) noexcept {
    requests_[index_of(verdicts, verdict)].fetch_add(1, relaxed);
}

void metrics::alert(std::string_view phi_kind, std::string_view category) noexcept {
    auto const k = index_of(phi_kinds, phi_kind);
    auto const c = index_of(categories, category);
    alerts_[k * categories.size() + c].fetch_add(1, relaxed);
}

void metrics::bytes_scanned(std::uint64_t n) noexcept {
    bytes_scanned_.fetch_add(n, relaxed);
}

void metrics::scan_seconds(double s) noexcept {
    scan_seconds_.observe(s);
}

void metrics::reload(bool ok, std::uint64_t generation) noexcept {
    (ok ? reloads_ok_ : reloads_failed_).fetch_add(1, relaxed);
    generation_.store(generation, relaxed);
}

void metrics::cert_cache(std::uint64_t hits, std::uint64_t misses, std::uint64_t mints) noexcept {
    cert_hits_.store(hits, relaxed);
    cert_misses_.store(misses, relaxed);
    cert_mints_.store(mints, relaxed);
}

void metrics::log_failures(std::uint64_t alert, std::uint64_t access) noexcept {
    alert_log_failures_.store(alert, relaxed);
    access_log_failures_.store(access, relaxed);
}

std::string metrics::render(std::size_t active_connections) const {
    std::string out;
    out.reserve(8192);
    auto it = std::back_inserter(out);

    family(out, "phiguard_build_info", "gauge", "Always 1; the version label names the release.");
    fmt::format_to(it, "phiguard_build_info{{version=\"{}\"}} 1\n", version());

    family(out, "phiguard_requests_total", "counter",
           "Finished requests by policy verdict (a spliced CONNECT tunnel counts once, when it "
           "closes).");
    for (std::size_t i = 0; i < verdicts.size(); ++i)
        fmt::format_to(it, "phiguard_requests_total{{verdict=\"{}\"}} {}\n", verdicts[i],
                       requests_[i].load(relaxed));

    family(out, "phiguard_request_duration_seconds", "histogram",
           "Time from request head to the end of the exchange.");
    request_seconds_.render(out, "phiguard_request_duration_seconds");

    // Only pairs seen so far: the full cross product would be 175 lines of zeros.
    family(out, "phiguard_alerts_total", "counter",
           "PHI findings reported, by PHI kind and destination category.");
    for (std::size_t k = 0; k < phi_kinds.size(); ++k)
        for (std::size_t c = 0; c < categories.size(); ++c)
            if (auto n = alerts_[k * categories.size() + c].load(relaxed); n != 0)
                fmt::format_to(it, "phiguard_alerts_total{{phi_kind=\"{}\",category=\"{}\"}} {}\n",
                               phi_kinds[k], categories[c], n);

    family(out, "phiguard_scanned_bytes_total", "counter",
           "Request bytes passed through the PHI scanner.");
    sample(out, "phiguard_scanned_bytes_total", bytes_scanned_.load(relaxed));

    family(out, "phiguard_scan_duration_seconds", "histogram", "Time spent scanning one request.");
    scan_seconds_.render(out, "phiguard_scan_duration_seconds");

    family(out, "phiguard_cert_cache_hits_total", "counter",
           "Leaf certificates served from the cache.");
    sample(out, "phiguard_cert_cache_hits_total", cert_hits_.load(relaxed));
    family(out, "phiguard_cert_cache_misses_total", "counter",
           "Leaf certificate lookups not in the cache.");
    sample(out, "phiguard_cert_cache_misses_total", cert_misses_.load(relaxed));
    family(out, "phiguard_cert_mints_total", "counter", "Leaf certificates minted.");
    sample(out, "phiguard_cert_mints_total", cert_mints_.load(relaxed));

    family(out, "phiguard_log_write_failures_total", "counter",
           "Log lines that could not be written (disk full, read-only file), by log.");
    fmt::format_to(it, "phiguard_log_write_failures_total{{log=\"alert\"}} {}\n",
                   alert_log_failures_.load(relaxed));
    fmt::format_to(it, "phiguard_log_write_failures_total{{log=\"access\"}} {}\n",
                   access_log_failures_.load(relaxed));

    family(out, "phiguard_active_connections", "gauge", "Client connections open now.");
    sample(out, "phiguard_active_connections", active_connections);

    family(out, "phiguard_policy_generation", "gauge", "Generation of the policy in force.");
    sample(out, "phiguard_policy_generation", generation_.load(relaxed));
    family(out, "phiguard_policy_reloads_total", "counter",
           "Policy loads by result: the one at start-up and every reload.");
    fmt::format_to(it, "phiguard_policy_reloads_total{{result=\"ok\"}} {}\n",
                   reloads_ok_.load(relaxed));
    fmt::format_to(it, "phiguard_policy_reloads_total{{result=\"failed\"}} {}\n",
                   reloads_failed_.load(relaxed));
    return out;
}

}  // namespace phiguard::proxy
