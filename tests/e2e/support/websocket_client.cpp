#include "e2e/support/websocket_client.hpp"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>

namespace phiguard::e2e {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = net::ip::tcp;
constexpr auto tuple_awaitable = net::as_tuple(net::use_awaitable);

template <class Stream>
net::awaitable<void> talk(websocket::stream<Stream>& ws, const std::string& host,
                          const std::string& target, const std::string& message,
                          websocket_exchange& out) {
    if (auto [ec] = co_await ws.async_handshake(host, target, tuple_awaitable); ec) {
        out.error = "websocket handshake: " + ec.message();
        co_return;
    }
    beast::flat_buffer buffer;
    if (auto [ec, n] = co_await ws.async_read(buffer, tuple_awaitable); ec) {
        out.error = "reading the origin's first message: " + ec.message();
        co_return;
    }
    out.greeting = beast::buffers_to_string(buffer.data());
    buffer.consume(buffer.size());
    ws.text(true);
    if (auto [ec, n] = co_await ws.async_write(net::buffer(message), tuple_awaitable); ec) {
        out.error = "sending: " + ec.message();
        co_return;
    }
    if (auto [ec, n] = co_await ws.async_read(buffer, tuple_awaitable); ec) {
        out.error = "reading the echo: " + ec.message();
        co_return;
    }
    out.echo = beast::buffers_to_string(buffer.data());
    co_await ws.async_close(websocket::close_code::normal, tuple_awaitable);
}

net::awaitable<void> exchange(websocket_target t, std::string message, websocket_exchange& out) {
    auto const executor = co_await net::this_coro::executor;
    beast::tcp_stream stream{executor};
    tcp::endpoint const proxy{net::ip::make_address("127.0.0.1"), t.proxy_port};
    if (auto [ec] = co_await stream.async_connect(proxy, tuple_awaitable); ec) {
        out.error = "connecting to the proxy: " + ec.message();
        co_return;
    }
    if (t.ca_file.empty()) {
        websocket::stream<beast::tcp_stream> ws{std::move(stream)};
        // Through a forward proxy a plain request names its origin in absolute form.
        co_await talk(ws, t.authority, "http://" + t.authority + t.path, message, out);
        co_return;
    }
    auto const host = t.authority.substr(0, t.authority.find(':'));
    std::string const connect =
        "CONNECT " + host + ":443 HTTP/1.1\r\nHost: " + host + ":443\r\n\r\n";
    if (auto [ec, n] = co_await net::async_write(stream, net::buffer(connect), tuple_awaitable);
        ec) {
        out.error = "sending CONNECT: " + ec.message();
        co_return;
    }
    beast::flat_buffer buffer;
    http::response_parser<http::empty_body> reply;
    reply.skip(true);  // a 2xx answer to CONNECT has no body
    if (auto [ec, n] = co_await http::async_read_header(stream, buffer, reply, tuple_awaitable);
        ec || reply.get().result_int() != 200) {
        out.error =
            "CONNECT refused: " + (ec ? ec.message() : std::to_string(reply.get().result_int()));
        co_return;
    }
    net::ssl::context tls{net::ssl::context::tls_client};
    tls.load_verify_file(t.ca_file);
    tls.set_verify_mode(net::ssl::verify_peer);
    websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws{std::move(stream), tls};
    SSL_set_tlsext_host_name(ws.next_layer().native_handle(), host.c_str());
    ws.next_layer().set_verify_callback(net::ssl::host_name_verification(host));
    if (auto [ec] = co_await ws.next_layer().async_handshake(net::ssl::stream_base::client,
                                                             tuple_awaitable);
        ec) {
        out.error = "TLS handshake with the proxy: " + ec.message();
        co_return;
    }
    co_await talk(ws, t.authority, t.path, message, out);
}

}  // namespace

websocket_exchange websocket_through_proxy(const websocket_target& target,
                                           const std::string& message,
                                           std::chrono::milliseconds timeout) {
    net::io_context ioc;
    websocket_exchange out;
    bool finished = false;
    net::co_spawn(ioc, exchange(target, message, out), [&](std::exception_ptr e) {
        finished = true;
        if (e && out.error.empty()) out.error = "exception in the client";
    });
    ioc.run_for(timeout);
    if (!finished && out.error.empty()) out.error = "timed out";
    return out;
}

}  // namespace phiguard::e2e
