#include "proxy/log_file.hpp"

#include <stdio_ext.h>
#include <syslog.h>

#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace phiguard::proxy {

log_file::log_file(std::string path) : path_(std::move(path)) {
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
    bool ok = std::fwrite(line.data(), 1, line.size(), file_) == line.size();
    ok = std::fflush(file_) == 0 && ok;
    if (!ok) {
        const int error = errno;
        // Drop what stdio still holds of the failed line: a later write that
        // succeeds must start on a line of its own, not behind half of this one.
        std::clearerr(file_);
        __fpurge(file_);
        report_failure(error);
    }
    return ok;
}

void log_file::report_failure(int error) {
    const auto lost = failures_.fetch_add(1, std::memory_order_relaxed) + 1;
    const auto now = std::chrono::steady_clock::now();
    if (lost > 1 && now - last_report_ < std::chrono::seconds(10)) return;
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
    std::fclose(file_);
    file_ = fresh;
    return true;
}

}  // namespace phiguard::proxy
