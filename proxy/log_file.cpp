#include "proxy/log_file.hpp"

#include <stdio_ext.h>
#include <syslog.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace phiguard::proxy {

namespace {
// Large enough that a busy second fills few writes, small enough that the
// batch is a trifle of memory.
constexpr std::size_t batch_bytes = 64 * 1024;
}  // namespace

log_file::log_file(std::string path, bool batched) : path_(std::move(path)), batched_(batched) {
    if (path_ == "syslog") {
        syslog_ = true;
        openlog("phiguard", LOG_PID | LOG_NDELAY, LOG_USER);
        return;
    }
    file_ = open();
    if (!file_)
        throw std::runtime_error("cannot open log file " + path_ + ": " + std::strerror(errno));
}

log_file::~log_file() {
    flush();
    if (file_ && file_ != stdout && file_ != stderr) std::fclose(file_);
}

std::FILE* log_file::open() const {
    if (path_ == "-") return stdout;
    if (path_.empty() || path_ == "stderr") return stderr;
    return std::fopen(path_.c_str(), "a");
}

bool log_file::write(std::string_view line) {
    if (syslog_) {
        // syslog adds its own line ending; it is thread-safe on glibc. It
        // reports no failure: the syslog daemon owns delivery from here.
        auto body = line.substr(0, line.find_last_not_of('\n') + 1);
        ::syslog(LOG_INFO, "%.*s", static_cast<int>(body.size()), body.data());
        return true;
    }
    std::lock_guard lock(mutex_);
    if (!batched_) return write_out(line, 1);
    batch_.append(line);
    ++batch_lines_;
    return batch_.size() < batch_bytes || write_batch();
}

bool log_file::flush() {
    std::lock_guard lock(mutex_);
    return write_batch();
}

bool log_file::write_batch() {
    if (batch_.empty()) return true;
    bool ok = write_out(batch_, batch_lines_);
    batch_.clear();
    batch_lines_ = 0;
    return ok;
}

bool log_file::write_out(std::string_view text, std::uint64_t lines) {
    bool ok = std::fwrite(text.data(), 1, text.size(), file_) == text.size();
    ok = std::fflush(file_) == 0 && ok;
    if (!ok) {
        const int error = errno;
        // Drop what stdio still holds of the failed line: a later write that
        // succeeds must start on a line of its own, not behind half of this one.
        std::clearerr(file_);
        __fpurge(file_);
        report_failure(error, lines);
    }
    return ok;
}

void log_file::report_failure(int error, std::uint64_t lines) {
    const auto lost = failures_.fetch_add(lines, std::memory_order_relaxed) + lines;
    const auto now = std::chrono::steady_clock::now();
    if (lost > lines && now - last_report_ < std::chrono::seconds(10)) return;
    last_report_ = now;
    spdlog::error("cannot write to {}: {} ({} line{} lost so far)",
                  path_.empty() ? "stderr" : path_, std::strerror(error), lost,
                  lost == 1 ? "" : "s");
}

bool log_file::reopen() {
    if (path_ == "-" || path_.empty() || path_ == "stderr" || syslog_) return true;
    std::FILE* fresh = open();
    if (!fresh) return false;
    std::lock_guard lock(mutex_);
    write_batch();  // what was logged before the rotation belongs in the old file
    std::fclose(file_);
    file_ = fresh;
    return true;
}

}  // namespace phiguard::proxy
