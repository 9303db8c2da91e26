#pragma once
#include <memory>
#include <vector>

#include "proxy/beast.hpp"
#include "proxy/proxy_context.hpp"
#include "proxy/worker.hpp"

namespace phiguard::proxy {

/// Accepts client connections on one address and spreads them round-robin
/// over the workers; refuses connections beyond limits.max_connections.
class listener : public std::enable_shared_from_this<listener> {
public:
    listener(net::io_context& ioc, std::vector<std::unique_ptr<worker>>& workers,
             std::shared_ptr<const proxy_context> ctx);

    /// Binds and listens; throws boost::system::system_error naming the address.
    void open(const tcp::endpoint& endpoint);
    tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
    void run() { do_accept(); }
    void close();

private:
    void do_accept();
    void on_accept(error_code ec, tcp_socket socket);

    tcp::acceptor acceptor_;
    std::vector<std::unique_ptr<worker>>& workers_;
    std::shared_ptr<const proxy_context> ctx_;
    std::size_t next_ = 0;
    net::steady_timer backoff_;
};

}  // namespace phiguard::proxy
