#pragma once
#include <functional>
#include <memory>
#include <string>

#include "proxy/beast.hpp"

namespace phiguard::proxy {

/// The operator's side door, on its own address: GET /healthz (200 while the process runs),
/// /readyz (200 once `ready()` holds, else 503) and /metrics (Prometheus text). Anything else
/// is 404 (405 for methods other than GET and HEAD). Requests are small and short-lived:
/// a 4 KiB head limit, no bodies, 5 s to read a request or write a reply, at most 64
/// connections at once.
class admin_server {
public:
    /// What the sessions call; shared so a session outliving close() still finds them.
    struct handlers {
        std::function<bool()> ready;
        std::function<std::string()> metrics_text;
    };

    /// The callbacks run on `ioc`'s threads.
    admin_server(net::io_context& ioc, const tcp::endpoint& endpoint, std::function<bool()> ready,
                 std::function<std::string()> metrics_text);
    ~admin_server();
    admin_server(const admin_server&) = delete;
    admin_server& operator=(const admin_server&) = delete;

    /// Binds and listens; throws std::runtime_error naming the address. Logs
    /// "admin listener on ADDR:PORT".
    void open();
    tcp::endpoint local_endpoint() const;
    /// Starts accepting (call after open()).
    void run();
    /// Stops accepting and closes the connections being served. Call it from the io_context's
    /// thread or once that context has stopped: the acceptor is not thread-safe.
    void close();

    struct state;

private:
    tcp::endpoint endpoint_;
    std::shared_ptr<state> state_;
};

}  // namespace phiguard::proxy
