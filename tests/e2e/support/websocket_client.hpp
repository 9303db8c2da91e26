#pragma once
// A real WebSocket client (Boost.Beast) that reaches an origin through a forward proxy:
// plain (an absolute-form upgrade request) or intercepted (CONNECT, then TLS trusting a
// given CA, then the upgrade inside the tunnel).
#include <chrono>
#include <cstdint>
#include <string>

namespace phiguard::e2e {

struct websocket_exchange {
    std::string error;     ///< the first step that failed and why; empty when all worked
    std::string greeting;  ///< the first message the origin sent
    std::string echo;      ///< what came back for the message we sent
};

struct websocket_target {
    std::uint16_t proxy_port = 0;
    std::string authority;  ///< host[:port] of the origin as the client names it
    std::string path = "/ws";
    std::string ca_file;  ///< set: CONNECT host:443 and TLS trusting this CA; empty: plain
};

/// Handshake, read one message, send `message`, read its echo, close; all within `timeout`.
websocket_exchange websocket_through_proxy(const websocket_target& target,
                                           const std::string& message,
                                           std::chrono::milliseconds timeout);

}  // namespace phiguard::e2e
