#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "e2e/support/command.hpp"
#include "e2e/support/http_reply.hpp"

namespace phiguard::e2e {

/// curl's own account of one transfer (from --write-out).
struct curl_transfer {
    int status = 0;
    int connects = -1;  // new connections curl opened for this transfer
    double seconds = 0;
    std::uint64_t size_download = 0;
};

/// A finished curl run: stdout holds the response heads (-D -) followed by bodies.
struct curl_result {
    command_result run;
    std::vector<curl_transfer> transfers;

    /// Status of the first transfer, 0 when curl got none.
    int status() const { return transfers.empty() ? 0 : transfers.front().status; }
    /// The final (non-1xx) response head of a single transfer, parsed.
    http_reply reply() const;
    /// The body of a single transfer (stdout after the final head).
    std::string body() const;
    /// Everything useful to print when a check fails.
    std::string describe() const;
};

/// Runs `curl -sS -D - --max-time T -x PROXY_URL args...`; proxy_url "" means no proxy.
curl_result curl(const std::string& proxy_url, const std::vector<std::string>& args,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace phiguard::e2e
