#include "connection.hpp"

#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>

namespace phiguard::loadgen {

namespace asio = boost::asio;
namespace http = boost::beast::http;

connection::connection(run_state& run) : run_(run), socket_(run.ioc), timer_(run.ioc) {}

// Takes the next request's slot (fixed-rate mode) and waits for it.
void connection::begin() {
    if (run_.stopping) return;
    auto const slot = run_.next_slot();
    auto const now = clock::now();
    if (!slot || *slot <= now) return proceed(slot.value_or(now));
    timer_.expires_at(*slot);
    timer_.async_wait([self = shared_from_this(), due = *slot](error_code ec) {
        if (!ec) self->proceed(due);
    });
}

void connection::proceed(clock::time_point due) {
    started_ = due;
    if (socket_.is_open()) return send();
    open();
}

void connection::open() {
    opened_ = clock::now();
    socket_.async_connect(run_.proxy,
                          [self = shared_from_this()](error_code ec) { self->on_connect(ec); });
}

void connection::on_connect(error_code ec) {
    if (ec) return fail("connect");
    socket_.set_option(asio::ip::tcp::no_delay(true));
    if (run_.measuring(clock::now())) ++run_.counted.connects;
    if (!run_.tgt.tls) return send();
    if (run_.opts.direct) return start_tls();
    connect_reply_.clear();
    auto const line =
        "CONNECT " + run_.tgt.authority + " HTTP/1.1\r\nHost: " + run_.tgt.authority + "\r\n\r\n";
    auto buf = std::make_shared<std::string>(line);
    asio::async_write(socket_, asio::buffer(*buf),
                      [self = shared_from_this(), buf](error_code e, std::size_t) {
                          self->on_connect_written(e);
                      });
}

void connection::on_connect_written(error_code ec) {
    if (ec) return fail("connect-write");
    asio::async_read_until(
        socket_, asio::dynamic_buffer(connect_reply_), "\r\n\r\n",
        [self = shared_from_this()](error_code e, std::size_t n) { self->on_connect_reply(e, n); });
}

void connection::on_connect_reply(error_code ec, std::size_t bytes) {
    if (ec) return fail("connect-reply");
    if (!(connect_reply_.starts_with("HTTP/1.1 200") || connect_reply_.starts_with("HTTP/1.0 200")))
        return fail("connect-refused");
    // Anything after the blank line would be TLS bytes the proxy sent unasked.
    if (bytes != connect_reply_.size()) return fail("connect-reply-extra");
    start_tls();
}

void connection::start_tls() {
    tls_.emplace(socket_, run_.tls);
    auto* ssl = tls_->native_handle();
    boost::system::error_code addr_ec;
    asio::ip::make_address(run_.tgt.host, addr_ec);
    if (addr_ec) {
        // SNI and name verification only for names: an IP literal is checked as an IP.
        SSL_set_tlsext_host_name(ssl, run_.tgt.host.c_str());
        SSL_set1_host(ssl, run_.tgt.host.c_str());
    }
    tls_->async_handshake(asio::ssl::stream_base::client,
                          [self = shared_from_this()](error_code e) { self->on_handshake(e); });
}

// An IP literal is matched after the handshake, against an IP SAN or, as curl
// does, the subject CN: Privoxy's leaves carry the IP only in the CN.
bool connection::peer_matches_ip() {
    boost::system::error_code addr_ec;
    asio::ip::make_address(run_.tgt.host, addr_ec);
    if (addr_ec) return true;  // a name: already checked by SSL_set1_host
    X509* cert = SSL_get0_peer_certificate(tls_->native_handle());
    if (!cert) return false;
    return X509_check_ip_asc(cert, run_.tgt.host.c_str(), 0) == 1 ||
           X509_check_host(cert, run_.tgt.host.data(), run_.tgt.host.size(), 0, nullptr) == 1;
}

void connection::on_handshake(error_code ec) {
    if (ec) return fail("tls-handshake");
    if (!peer_matches_ip()) return fail("tls-name-mismatch");
    if (run_.measuring(clock::now())) ++run_.counted.handshakes;
    send();
}

void connection::send() {
    // Closed-loop keep-alive requests are timed from their own write; new
    // connections from before the connect; fixed-rate ones from their slot.
    if (run_.opts.rate <= 0 && !run_.opts.new_connection) started_ = clock::now();
    with_stream([this](auto& stream) {
        asio::async_write(
            stream, asio::buffer(run_.tgt.request),
            [self = shared_from_this()](error_code ec, std::size_t) { self->on_written(ec); });
    });
}

void connection::on_written(error_code ec) {
    if (ec) return fail("write");
    response_.emplace();
    with_stream([this](auto& stream) {
        http::async_read(
            stream, buffer_, *response_,
            [self = shared_from_this()](error_code e, std::size_t) { self->on_response(e); });
    });
}

void connection::on_response(error_code ec) {
    bool const closed = ec == http::error::end_of_stream || ec == asio::error::eof ||
                        ec == asio::error::connection_reset;
    if (closed && served_ > 0) {
        // A reused connection closed before any answer (tinyproxy closes after every
        // response without saying so): retry on a new one, as browsers and curl do; the
        // request's latency keeps counting from its original start.
        ++run_.counted.reconnects;
        close();
        return proceed(started_);
    }
    if (ec) return fail(closed ? "closed-before-response" : "read");
    ++served_;
    if (response_->result_int() != run_.opts.expect_status) {
        run_.count_error("unexpected-status");
    } else {
        run_.count_request(started_, clock::now());
    }
    if (run_.opts.new_connection || !response_->keep_alive()) close();
    begin();
}

void connection::fail(const char* cause) {
    if (run_.stopping) return;
    run_.count_error(cause);
    close();
    // A short pause so a refusing proxy is not hammered in a tight loop.
    timer_.expires_after(std::chrono::milliseconds(10));
    timer_.async_wait([self = shared_from_this()](error_code ec) {
        if (!ec) self->begin();
    });
}

void connection::close() {
    served_ = 0;
    tls_.reset();
    buffer_.clear();
    error_code ignored;
    socket_.close(ignored);
}

}  // namespace phiguard::loadgen
