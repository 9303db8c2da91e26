#include "proxy/log_file.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace phiguard::proxy {

log_file::log_file(std::string path) : path_(std::move(path)) {
    file_ = open();
    if (!file_)
        throw std::runtime_error("cannot open log file " + path_ + ": " + std::strerror(errno));
}

log_file::~log_file() {
    if (file_ && file_ != stdout) std::fclose(file_);
}

std::FILE* log_file::open() const {
    if (path_ == "-") return stdout;
    return std::fopen(path_.c_str(), "a");
}

void log_file::write(std::string_view line) {
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);
}

bool log_file::reopen() {
    if (path_ == "-") return true;
    std::FILE* fresh = open();
    if (!fresh) return false;
    std::lock_guard lock(mutex_);
    std::fclose(file_);
    file_ = fresh;
    return true;
}

}  // namespace phiguard::proxy
