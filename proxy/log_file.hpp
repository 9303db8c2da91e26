#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <string_view>

namespace phiguard::proxy {

/// An append-only line log shared by all io threads. Each write is one whole
/// line under a lock and flushed, so lines never interleave and nothing sits
/// in a buffer when the process dies. reopen() serves log rotation (SIGUSR1).
/// Path "-" writes to stdout, "" or "stderr" to stderr; "syslog" sends each line to syslog(3)
/// (LOG_USER, tagged phiguard), where the local syslog daemon owns rotation.
class log_file {
public:
    explicit log_file(std::string path);  ///< throws std::runtime_error if unopenable
    ~log_file();
    log_file(const log_file&) = delete;
    log_file& operator=(const log_file&) = delete;

    /// Returns false when the line could not be written (disk full, file
    /// gone read-only): the failure is counted and reported on stderr, at
    /// most once every ten seconds, never silently.
    bool write(std::string_view line);
    /// Lines lost to write failures since start (for /metrics).
    std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
    /// Opens the path afresh (after logrotate moved the old file away).
    /// Returns false and keeps writing to the old file when that fails.
    bool reopen();
    const std::string& path() const { return path_; }

private:
    std::FILE* open() const;
    void report_failure(int error);

    std::string path_;
    std::mutex mutex_;
    std::FILE* file_ = nullptr;
    bool syslog_ = false;
    std::atomic<std::uint64_t> failures_{0};
    std::chrono::steady_clock::time_point last_report_{};  ///< guarded by mutex_
};

}  // namespace phiguard::proxy
