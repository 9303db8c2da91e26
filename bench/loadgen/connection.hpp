#pragma once
// One client connection of the load: connect to the proxy, CONNECT and TLS
// when the target is https, then requests one after another (keep-alive) or
// one per connection. Each async step is a small member, as in Beast's
// examples; an error is counted and the connection starts over.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <memory>
#include <optional>
#include <string>

#include "run_state.hpp"

namespace phiguard::loadgen {

class connection : public std::enable_shared_from_this<connection> {
public:
    explicit connection(run_state& run);
    void start() { begin(); }

private:
    using error_code = boost::system::error_code;

    void begin();
    void proceed(clock::time_point due);
    void open();
    void on_connect(error_code ec);
    void on_connect_written(error_code ec);
    void on_connect_reply(error_code ec, std::size_t bytes);
    void start_tls();
    void on_handshake(error_code ec);
    bool peer_matches_ip();
    void next_request();
    void send();
    void on_written(error_code ec);
    void on_response(error_code ec);
    void fail(const char* cause);
    void close();

    template <class F>
    void with_stream(F&& f) {
        if (tls_)
            f(*tls_);
        else
            f(socket_);
    }

    run_state& run_;
    boost::asio::ip::tcp::socket socket_;
    std::optional<boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>> tls_;
    boost::asio::steady_timer timer_;
    boost::beast::flat_buffer buffer_;
    std::string connect_reply_;
    std::optional<boost::beast::http::response<boost::beast::http::string_body>> response_;
    clock::time_point opened_;   // when this connection began (new-connection latency)
    clock::time_point started_;  // when the current request was due or began
    unsigned served_ = 0;        // responses on the current TCP connection
};

}  // namespace phiguard::loadgen
