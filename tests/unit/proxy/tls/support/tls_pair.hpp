#pragma once

#include <chrono>
#include <memory>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>

namespace phiguard::test {

/// A client and a server TLS stream joined by a socketpair in one
/// io_context: a real handshake, in-process, with no ports.
class tls_pair {
public:
    using socket = boost::asio::local::stream_protocol::socket;
    using stream = boost::asio::ssl::stream<socket>;
    using error_code = boost::system::error_code;

    tls_pair(boost::asio::ssl::context& server_ctx, boost::asio::ssl::context& client_ctx) {
        socket a(io_), b(io_);
        boost::asio::local::connect_pair(a, b);
        server_ = std::make_unique<stream>(std::move(a), server_ctx);
        client_ = std::make_unique<stream>(std::move(b), client_ctx);
    }

    SSL* client() { return client_->native_handle(); }
    SSL* server() { return server_->native_handle(); }

    /// Runs both handshakes to completion; {client error, server error}.
    /// A side that fails closes its socket so the other never waits forever.
    std::pair<error_code, error_code> handshake() {
        error_code client_ec = boost::asio::error::timed_out;
        error_code server_ec = boost::asio::error::timed_out;
        server_->async_handshake(stream::server, [&](error_code ec) {
            server_ec = ec;
            if (ec) server_->lowest_layer().close();
        });
        client_->async_handshake(stream::client, [&](error_code ec) {
            client_ec = ec;
            if (ec) client_->lowest_layer().close();
        });
        io_.run_for(std::chrono::seconds(20));
        return {client_ec, server_ec};
    }

private:
    boost::asio::io_context io_;
    std::unique_ptr<stream> server_;
    std::unique_ptr<stream> client_;
};

}  // namespace phiguard::test
