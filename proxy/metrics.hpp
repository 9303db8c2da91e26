#pragma once
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace phiguard::proxy {

/// A latency histogram with fixed upper bounds (seconds). Observing is a few relaxed atomic
/// adds, so io threads never contend on a lock; the sum is kept in whole nanoseconds so it
/// moves by exactly what was observed.
class latency_histogram {
public:
    static constexpr std::size_t max_bounds = 16;

    /// `bounds` ascending, at most max_bounds entries; +Inf is implicit.
    explicit latency_histogram(std::span<const double> bounds);

    void observe(double seconds) noexcept;
    /// Appends the _bucket/_sum/_count sample lines (cumulative buckets) for `name`.
    void render(std::string& out, std::string_view name) const;
    std::uint64_t count() const noexcept;

private:
    std::array<double, max_bounds> bounds_{};
    std::size_t size_ = 0;
    std::array<std::atomic<std::uint64_t>, max_bounds + 1> buckets_{};  // last one is +Inf
    std::atomic<std::uint64_t> sum_ns_{0};
};

/// The process's Prometheus metrics. Every update is lock-free (relaxed atomics) and safe from
/// any thread; label values come from small fixed sets, and anything else is counted as
/// "other" so a strange PHI kind or category can never grow the series count.
class metrics {
public:
    static constexpr std::array<std::string_view, 6> verdicts{"allow",       "alert", "block",
                                                              "would_block", "error", "other"};
    /// "none": an alert with no finding (a tracker inventoried by name), apart from "other",
    /// a PHI kind outside this list.
    static constexpr std::array<std::string_view, 26> phi_kinds{
        "ssn",           "phone",
        "email",         "npi",
        "mrn",           "mbi",
        "dob",           "date",
        "appointment",   "appointment_date",
        "credit_card",   "ip_address",
        "insurance_id",  "hashed_identifier",
        "hashed_email",  "hashed_phone",
        "name",          "patient_name",
        "provider_name", "condition",
        "procedure",     "medication",
        "specialty",     "uninspectable",
        "none",          "other"};
    /// policy::to_string(category) names.
    static constexpr std::array<std::string_view, 7> categories{
        "advertising", "analytics", "social", "session_replay", "tag_manager", "cdp", "other"};

    metrics();

    /// One finished request (or exchange) with its verdict and wall time from head to end.
    void request_done(std::string_view verdict, double seconds) noexcept;
    /// One spliced CONNECT tunnel, counted by verdict when it closes. Its lifetime (minutes of
    /// an open TLS connection) is no request latency, so the histogram leaves it out.
    void tunnel_done(std::string_view verdict) noexcept;
    /// One alert-log entry, by PHI kind and destination category.
    void alert(std::string_view phi_kind, std::string_view category) noexcept;
    void bytes_scanned(std::uint64_t n) noexcept;
    /// Time spent in the policy scan for one request.
    void scan_seconds(double s) noexcept;
    /// A policy (re)load attempt; `generation` is the one now in force.
    void reload(bool ok, std::uint64_t generation) noexcept;
    /// The leaf cache's own monotonic counters, copied in at scrape time.
    void cert_cache(std::uint64_t hits, std::uint64_t misses, std::uint64_t mints) noexcept;

    /// Lines the alert and access logs failed to write, copied in at scrape time.
    void log_failures(std::uint64_t alert, std::uint64_t access) noexcept;

    /// Prometheus text exposition format 0.0.4, every family with HELP and TYPE lines.
    std::string render(std::size_t active_connections) const;

private:
    std::array<std::atomic<std::uint64_t>, verdicts.size()> requests_{};
    std::array<std::atomic<std::uint64_t>, phi_kinds.size() * categories.size()> alerts_{};
    std::atomic<std::uint64_t> bytes_scanned_{0};
    latency_histogram request_seconds_;
    latency_histogram scan_seconds_;
    std::atomic<std::uint64_t> reloads_ok_{0};
    std::atomic<std::uint64_t> reloads_failed_{0};
    std::atomic<std::uint64_t> generation_{0};
    std::atomic<std::uint64_t> cert_hits_{0};
    std::atomic<std::uint64_t> cert_misses_{0};
    std::atomic<std::uint64_t> cert_mints_{0};
    std::atomic<std::uint64_t> alert_log_failures_{0};
    std::atomic<std::uint64_t> access_log_failures_{0};
};

}  // namespace phiguard::proxy
