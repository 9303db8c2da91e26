#include "proxy/log_file.hpp"

#include <syslog.h>

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

void log_file::write(std::string_view line) {
    if (syslog_) {
        // syslog adds its own line ending; it is thread-safe on glibc.
        auto body = line.substr(0, line.find_last_not_of('\n') + 1);
        ::syslog(LOG_INFO, "%.*s", static_cast<int>(body.size()), body.data());
        return;
    }
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
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
