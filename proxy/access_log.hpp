#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "proxy/log_file.hpp"

namespace phiguard::proxy {

/// What the access log keeps of one request. Deliberately no query string and
/// no body: both may carry PHI.
struct access_record {
    std::string client;
    std::string method;
    std::string host;
    std::uint16_t port = 0;
    std::string path;  ///< without the query string
    unsigned status = 0;
    /// For /metrics: allow, alert, block, would_block, or error (our own 4xx/5xx).
    std::string verdict = "allow";
    std::uint64_t bytes_in = 0;   ///< request body bytes from the client
    std::uint64_t bytes_out = 0;  ///< response body bytes to the client
    std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
};

std::string format_access_record(const access_record& record);

/// Writes records when a log file is configured; a no-op otherwise.
class access_log {
public:
    explicit access_log(std::shared_ptr<log_file> file) : file_(std::move(file)) {}
    void write(const access_record& record) const;
    log_file* file() const { return file_.get(); }

private:
    std::shared_ptr<log_file> file_;
};

}  // namespace phiguard::proxy
