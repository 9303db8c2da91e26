#pragma once
#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>
#include <utility>
#include <variant>

#include "proxy/beast.hpp"

namespace phiguard::proxy {

/// A byte stream that is plain TCP or TLS over TCP, decided at run time.
/// One request pipeline serves plain HTTP and intercepted HTTPS alike (and
/// plain or TLS origins) without templating every session on its stream.
class flex_stream {
public:
    using executor_type = io_executor;
    using plain_stream = tcp_stream;
    using tls_stream = beast::ssl_stream<tcp_stream>;

    explicit flex_stream(plain_stream&& plain) : stream_(std::move(plain)) {}

    /// Wraps the TCP stream in TLS (before a handshake). Call with no
    /// operation pending.
    void start_tls(net::ssl::context& ctx) {
        plain_stream plain = std::move(std::get<plain_stream>(stream_));
        stream_.emplace<tls_stream>(std::move(plain), ctx);
    }

    bool is_tls() const { return std::holds_alternative<tls_stream>(stream_); }
    tls_stream& tls() { return std::get<tls_stream>(stream_); }
    plain_stream& tcp() { return is_tls() ? tls().next_layer() : std::get<plain_stream>(stream_); }

    executor_type get_executor() { return tcp().get_executor(); }

    template <class MutableBuffers, class Handler>
    void async_read_some(const MutableBuffers& buffers, Handler&& handler) {
        if (is_tls())
            tls().async_read_some(buffers, std::forward<Handler>(handler));
        else
            std::get<plain_stream>(stream_).async_read_some(buffers,
                                                            std::forward<Handler>(handler));
    }

    template <class ConstBuffers, class Handler>
    void async_write_some(const ConstBuffers& buffers, Handler&& handler) {
        if (is_tls())
            tls().async_write_some(buffers, std::forward<Handler>(handler));
        else
            std::get<plain_stream>(stream_).async_write_some(buffers,
                                                             std::forward<Handler>(handler));
    }

    /// Closes the socket now; pending operations complete with an error.
    void close() {
        error_code ec;
        tcp().socket().shutdown(tcp::socket::shutdown_both, ec);
        tcp().socket().close(ec);
    }

private:
    std::variant<plain_stream, tls_stream> stream_;
};

}  // namespace phiguard::proxy
