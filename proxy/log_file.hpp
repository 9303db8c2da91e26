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
/// line under a lock, so lines never interleave. Unbatched (the alert log),
/// every line is flushed before write() returns, so nothing sits in a buffer
/// when the process dies. Batched (the access log), lines collect in memory
/// and go out in one write(2) when 64 KiB have gathered or flush() is called
/// (the server does every 100 ms, and the destructor does): a per-request
/// system call was 4% of a plain GET's CPU. reopen() serves log rotation (SIGUSR1).
/// Path "-" writes to stdout, "" or "stderr" to stderr; "syslog" sends each line to syslog(3)
/// (LOG_USER, tagged phiguard), where the local syslog daemon owns rotation.
class log_file {
public:
    /// Throws std::runtime_error if unopenable.
    explicit log_file(std::string path, bool batched = false);
    ~log_file();
    log_file(const log_file&) = delete;
    log_file& operator=(const log_file&) = delete;

    /// Returns false when the line could not be written (disk full, file
    /// gone read-only): the failure is counted and reported on stderr, at
    /// most once every ten seconds, never silently.
    bool write(std::string_view line);
    /// Writes out what a batched log holds. Returns false on a write failure.
    bool flush();
    /// Lines lost to write failures since start (for /metrics).
    std::uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
    /// Opens the path afresh (after logrotate moved the old file away).
    /// Returns false and keeps writing to the old file when that fails.
    bool reopen();
    const std::string& path() const { return path_; }

private:
    std::FILE* open() const;
    bool write_batch();                                          ///< mutex_ held
    bool write_out(std::string_view text, std::uint64_t lines);  ///< mutex_ held
    void report_failure(int error, std::uint64_t lines);

    std::string path_;
    std::mutex mutex_;
    std::FILE* file_ = nullptr;
    bool syslog_ = false;
    bool batched_ = false;
    std::string batch_;  ///< guarded by mutex_
    std::uint64_t batch_lines_ = 0;
    std::atomic<std::uint64_t> failures_{0};
    std::chrono::steady_clock::time_point last_report_{};  ///< guarded by mutex_
};

}  // namespace phiguard::proxy
