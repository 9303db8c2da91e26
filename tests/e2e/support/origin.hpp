#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "e2e/support/test_ca.hpp"

namespace phiguard::e2e {

/// What the origin saw of one request: recorded as soon as the head arrives (so a request the
/// proxy should have stopped shows up even if its body never comes), completed with the body
/// size once the body is read.
struct request_record {
    std::uint64_t connection = 0;  // 1-based id of the accepted connection it came on
    std::string method;
    std::string target;
    std::vector<std::pair<std::string, std::string>> headers;
    std::uint64_t body_size = 0;
    bool body_complete = false;

    /// First value of `name` (case-insensitive), or "".
    std::string header(std::string_view name) const;
    bool has_header(std::string_view name) const;
};

/// A real HTTP/1.1 origin on 127.0.0.1:0 inside the test process (Boost.Beast, its own
/// io_context and two threads), optionally behind TLS with a certificate from a throw-away CA.
///
/// Endpoints: /hello; /echo (the request's header fields, then `body-length: N` and
/// `body-sha256: HEX`); /bytes?n=N[&chunked=1] (N pattern bytes, see byte_pattern.hpp, streamed
/// in 64 KiB pieces); /slow?ms=N; /status?code=N; /hop (a response carrying hop-by-hop fields);
/// /ws (a WebSocket echo that first sends websocket_greeting).
/// HEAD is answered with the GET's header and no body.
class origin {
public:
    enum class transport { http, https };
    explicit origin(transport t = transport::http);
    /// An HTTPS origin whose leaf is made as `leaf` says (other names, expired, self-signed).
    explicit origin(const leaf_options& leaf);
    ~origin();
    origin(const origin&) = delete;
    origin& operator=(const origin&) = delete;

    std::uint16_t port() const { return port_; }
    /// The CA that signed the HTTPS certificate (only with transport::https).
    std::string ca_file() const;
    /// TCP connections accepted so far.
    std::size_t connections() const;
    /// Request heads received so far.
    std::size_t requests() const;
    /// A copy of every request record, in arrival order.
    std::vector<request_record> records() const;
    /// Responses written completely (body included).
    std::size_t responses_done() const;

    /// The body /hello answers with.
    static constexpr std::string_view hello_body = "hello from the e2e origin\n";
    /// The first WebSocket message /ws sends.
    static constexpr std::string_view websocket_greeting = "hello over websocket";

    struct state;

private:
    // HTTPS with this leaf when set, plain HTTP otherwise.
    explicit origin(const std::optional<leaf_options>& leaf);

    std::unique_ptr<test_ca> ca_;
    std::shared_ptr<state> state_;
    std::uint16_t port_ = 0;
    std::vector<std::thread> threads_;
};

}  // namespace phiguard::e2e
