#pragma once
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace phiguard::policy {

using millis = std::chrono::milliseconds;

/// Limits that protect the process and everyone else from one bad client.
struct limits_settings {
    std::size_t max_connections = 10000;
    std::size_t header_bytes = 64 * 1024;  ///< request head, request line included
    std::size_t header_fields = 100;
    millis head_timeout{30'000};   ///< whole head must arrive within this
    millis idle_timeout{60'000};   ///< keep-alive wait for the next request
    millis body_timeout{60'000};   ///< longest wait for one body read or write
    millis drain_timeout{10'000};  ///< SIGTERM: in-flight requests get this long
};

/// How phiguard reaches origins.
struct upstream_settings {
    millis connect_timeout{10'000};
    millis response_timeout{60'000};  ///< request sent -> response head received
    millis tunnel_idle_timeout{300'000};
    millis pool_idle_timeout{30'000};
    std::size_t pool_max_idle_per_host = 256;
    std::vector<std::string> allow;       ///< CIDRs exempt from the SSRF guard
    std::vector<std::string> resolve;     ///< curl --resolve: "host:port:addr"
    std::vector<std::string> connect_to;  ///< curl --connect-to: "h1:p1:h2:p2"
    std::vector<std::uint16_t> connect_ports{443};
    bool forwarded_for = false;  ///< X-Forwarded-For leaks patient addresses: off
};

/// The runtime settings of one policy file (the proxy-facing part of it).
struct settings {
    std::vector<std::string> listen{"127.0.0.1:3128"};
    unsigned threads = 0;    ///< 0: one per core
    std::string access_log;  ///< empty: off; "-": stdout
    /// /healthz, /readyz, /metrics. Loopback by default; "" turns it off.
    std::string admin_listen = "127.0.0.1:9090";
    bool admin_listen_set = false;  ///< chosen explicitly: failing to bind is fatal
    limits_settings limits;
    upstream_settings upstream;
};

}  // namespace phiguard::policy
