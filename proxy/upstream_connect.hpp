#pragma once
#include <functional>
#include <memory>
#include <string>

#include "proxy/beast.hpp"
#include "proxy/proxy_context.hpp"
#include "proxy/upstream_pool.hpp"

namespace phiguard::proxy {

/// Where a request must go: the host and port the client named.
struct upstream_target {
    std::string host;
    std::uint16_t port = 0;
    bool tls = false;  ///< https origin (intercepted CONNECT)

    std::string pool_key() const {
        return (tls ? "https|" : "http|") + host + "|" + std::to_string(port);
    }
};

/// The outcome of opening an upstream connection. On failure, status and
/// message are what the client is told (502/504/403, naming the cause).
struct connect_result {
    std::unique_ptr<upstream_conn> conn;
    http::status status = http::status::ok;
    std::string message;
};

/// Opens a connection to an origin: applies --connect-to/--resolve, resolves,
/// refuses restricted addresses (SSRF guard), connects within the connect
/// timeout and, for https origins, handshakes and verifies the certificate.
/// Each step is a small member; the handler runs on the caller's executor.
class upstream_connect : public std::enable_shared_from_this<upstream_connect> {
public:
    using handler = std::function<void(connect_result)>;

    upstream_connect(io_executor ex, std::shared_ptr<const proxy_context> ctx,
                     upstream_target target, handler done);
    void run();

private:
    void do_resolve();
    void on_resolve(error_code ec, tcp::resolver::results_type results);
    void do_connect(std::vector<tcp::endpoint> endpoints);
    void on_connect(error_code ec, const tcp::endpoint& endpoint);
    void do_handshake();
    void on_handshake(error_code ec);
    void fail(http::status status, std::string message);
    void succeed();

    std::shared_ptr<const proxy_context> ctx_;
    upstream_target target_;
    route_plan plan_;
    handler done_;
    tcp::resolver resolver_;
    std::unique_ptr<upstream_conn> conn_;
};

}  // namespace phiguard::proxy
