#include "proxy/listener.hpp"

#include <spdlog/spdlog.h>

#include "proxy/session.hpp"

namespace phiguard::proxy {

listener::listener(net::io_context& ioc, std::vector<std::unique_ptr<worker>>& workers,
                   std::shared_ptr<const proxy_context> ctx)
    : acceptor_(ioc), workers_(workers), ctx_(std::move(ctx)), backoff_(ioc) {}

void listener::open(const tcp::endpoint& endpoint) {
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(net::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(net::socket_base::max_listen_connections);
}

void listener::close() {
    error_code ignored;
    acceptor_.close(ignored);
    backoff_.cancel();
}

void listener::do_accept() {
    auto& target = *workers_[next_++ % workers_.size()];
    acceptor_.async_accept(target.ioc(),
                           beast::bind_front_handler(&listener::on_accept, shared_from_this()));
}

void listener::on_accept(error_code ec, tcp_socket socket) {
    if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
        // Out of descriptors or similar: pause briefly instead of spinning,
        // and keep serving the connections we have.
        spdlog::warn("accept failed: {}", ec.message());
        backoff_.expires_after(std::chrono::milliseconds(100));
        backoff_.async_wait([self = shared_from_this()](error_code e) {
            if (!e) self->do_accept();
        });
        return;
    }
    auto& counters = ctx_->counters;
    if (counters.active_connections.load() >= ctx_->run().limits.max_connections) {
        counters.refused_connections.fetch_add(1);
        error_code ignored;
        socket.close(ignored);
        return do_accept();
    }
    // The socket already belongs to the chosen worker's io_context; the
    // session is created and run on that worker's thread.
    auto& home = *workers_[(next_ - 1) % workers_.size()];
    net::post(home.ioc(), [&home, ctx = ctx_, s = std::move(socket)]() mutable {
        std::make_shared<session>(std::move(s), home, ctx)->run();
    });
    do_accept();
}

}  // namespace phiguard::proxy
