// TLS interception of a session: after CONNECT, peek at the ClientHello,
// terminate TLS with a leaf minted for its SNI, then read the decrypted
// requests in the ordinary request loop (session.cpp): one pipeline for
// plain and intercepted traffic.
#include <spdlog/spdlog.h>

#include "proxy/client_hello.hpp"
#include "proxy/session.hpp"
#include "proxy/tls/server_context.hpp"

namespace phiguard::proxy {
namespace {
constexpr std::string_view established = "HTTP/1.1 200 Connection established\r\n\r\n";
}  // namespace

void session::start_intercept(const request_target& target) {
    request_target origin = target;
    origin.scheme = "https";
    intercepted_ = origin;
    record_.status = 200;
    client_.tcp().expires_after(ctx_->run().limits.head_timeout);
    net::async_write(client_, net::buffer(established),
                     beast::bind_front_handler(&session::on_established, shared_from_this()));
}

void session::on_established(error_code ec, std::size_t) {
    // The CONNECT itself is one access-log record; the requests inside
    // the tunnel get their own.
    ctx_->access.write(record_);
    record_ = access_record{};
    parser_.reset();
    if (ec) return close();
    do_peek_hello();
}

void session::do_peek_hello() {
    auto data = buffer_.data();
    auto hello = parse_client_hello({static_cast<const std::uint8_t*>(data.data()), data.size()});
    if (hello.st == client_hello_result::status::ok) return do_tls_handshake();
    if (hello.st == client_hello_result::status::not_tls) {
        spdlog::info("{}: CONNECT {}: client sent non-TLS bytes to an intercepted host; refused",
                     client_address_, intercepted_->host);
        return reply(http::status::bad_request,
                     "expected a TLS handshake after CONNECT to an intercepted host; refused",
                     false);
    }
    // The head timeout set at CONNECT also bounds the wait for the hello.
    client_.async_read_some(buffer_.prepare(4096),
                            beast::bind_front_handler(&session::on_peek_hello, shared_from_this()));
}

void session::on_peek_hello(error_code ec, std::size_t bytes) {
    buffer_.commit(bytes);
    if (ec) return close();
    do_peek_hello();
}

void session::do_tls_handshake() {
    client_.start_tls(ctx_->intercept_tls->native());
    // Clients that send no SNI get a leaf for the CONNECT host.
    tls::server_context::set_fallback_host(client_.tls().native_handle(), intercepted_->host);
    client_.tls().async_handshake(
        net::ssl::stream_base::server, buffer_.data(),
        beast::bind_front_handler(&session::on_tls_handshake, shared_from_this()));
}

void session::on_tls_handshake(error_code ec, std::size_t used) {
    buffer_.consume(used);
    if (ec) {
        auto why = tls::server_context::failure(client_.tls().native_handle());
        spdlog::info("{}: TLS handshake for {} failed: {}", client_address_, intercepted_->host,
                     why.empty() ? ec.message() : why);
        return close();
    }
    // Decrypted requests now flow through the ordinary loop.
    waiting_idle_ = true;
    client_.tcp().expires_after(ctx_->run().limits.idle_timeout);
    do_read_head();
}

}  // namespace phiguard::proxy
