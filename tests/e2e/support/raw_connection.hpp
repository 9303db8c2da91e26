#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "e2e/support/http_reply.hpp"

namespace phiguard::e2e {

/// A blocking TCP client on 127.0.0.1 for writing exactly the bytes a test wants (malformed
/// heads, trickled heads, several requests on one keep-alive connection). Every read is bounded
/// by a timeout.
class raw_connection {
public:
    /// Connects to 127.0.0.1:port; throws std::runtime_error when that fails.
    explicit raw_connection(std::uint16_t port);
    ~raw_connection();
    raw_connection(const raw_connection&) = delete;
    raw_connection& operator=(const raw_connection&) = delete;

    /// Sends all of `bytes`; false when the peer has closed or reset the connection.
    bool send(std::string_view bytes);
    /// Reads one complete response (skipping nothing: a 100 Continue is returned as such).
    /// nullopt when it did not arrive whole within `timeout`.
    std::optional<http_reply> read_response(std::chrono::milliseconds timeout,
                                            bool head_request = false);
    /// Reads until `needle` appears among the bytes not yet consumed; false on timeout or close.
    bool read_until(std::string_view needle, std::chrono::milliseconds timeout);
    /// True when the peer closes (end of file or reset) within `timeout`; bytes that arrive
    /// meanwhile are kept in received().
    bool wait_closed(std::chrono::milliseconds timeout);
    /// Waits up to `timeout` for readability without consuming: true if data or close arrived.
    bool readable_within(std::chrono::milliseconds timeout);
    /// Bytes received and not consumed by read_response.
    const std::string& received() const { return buffer_; }
    bool peer_closed() const { return eof_; }
    void shutdown_write();

private:
    // One recv with a poll of at most `timeout`; false on timeout, close or error.
    bool fill(std::chrono::milliseconds timeout);

    int fd_ = -1;
    std::string buffer_;
    bool eof_ = false;
};

/// Connects, sends `bytes`, and returns everything received until the peer closes or
/// `timeout` passes.
std::string raw_exchange(std::uint16_t port, std::string_view bytes,
                         std::chrono::milliseconds timeout);

/// True when a TCP connect to 127.0.0.1:port is refused right now.
bool connect_refused(std::uint16_t port);

/// A loopback port that was bound and closed again: nothing listens there (until reused).
std::uint16_t closed_port();

}  // namespace phiguard::e2e
