#include "proxy/tunnel.hpp"

namespace phiguard::proxy {

tunnel::tunnel(worker& home, std::shared_ptr<const proxy_context> ctx, flex_stream client,
               std::unique_ptr<upstream_conn> upstream, std::string greeting,
               std::string early_bytes, access_record record)
    : home_(home),
      ctx_(std::move(ctx)),
      client_(std::move(client)),
      upstream_(std::move(upstream)),
      greeting_(std::move(greeting)),
      early_(std::move(early_bytes)),
      record_(std::move(record)) {
    up_.from = &client_;
    up_.to = &upstream_->stream;
    down_.from = &upstream_->stream;
    down_.to = &client_;
    ctx_->counters.active_connections.fetch_add(1);
    home_.attach(this);
}

tunnel::~tunnel() {
    home_.detach(this);
    ctx_->counters.active_connections.fetch_sub(1);
    record_.bytes_in = up_.bytes;
    record_.bytes_out = down_.bytes;
    ctx_->access.write(record_);
    ctx_->stats.tunnel_done(record_.verdict);
}

void tunnel::run() {
    client_.tcp().expires_after(ctx_->run().upstream.tunnel_idle_timeout);
    net::async_write(client_, net::buffer(greeting_),
                     beast::bind_front_handler(&tunnel::on_established, shared_from_this()));
}

void tunnel::on_established(error_code ec, std::size_t) {
    if (ec) return close();
    if (!early_.empty()) {
        // Bytes that arrived with the CONNECT head go first.
        up_.bytes += early_.size();
        upstream_->stream.tcp().expires_after(ctx_->run().upstream.tunnel_idle_timeout);
        return net::async_write(upstream_->stream, net::buffer(early_),
                                [self = shared_from_this()](error_code e, std::size_t) {
                                    if (e) return self->close();
                                    self->early_.clear();
                                    self->do_read(self->up_);
                                    self->do_read(self->down_);
                                });
    }
    do_read(up_);
    do_read(down_);
}

void tunnel::do_read(direction& d) {
    // Activity in either direction keeps the whole tunnel alive.
    d.from->tcp().expires_after(ctx_->run().upstream.tunnel_idle_timeout);
    d.from->async_read_some(
        net::buffer(d.buf),
        [self = shared_from_this(), &d](error_code ec, std::size_t n) { self->on_read(d, ec, n); });
}

void tunnel::on_read(direction& d, error_code ec, std::size_t bytes) {
    if (ec == net::error::eof) return finish_direction(d);
    if (ec) return close();
    d.bytes += bytes;
    d.to->tcp().expires_after(ctx_->run().upstream.tunnel_idle_timeout);
    net::async_write(
        *d.to, net::buffer(d.buf.data(), bytes),
        [self = shared_from_this(), &d](error_code e, std::size_t n) { self->on_write(d, e, n); });
}

void tunnel::on_write(direction& d, error_code ec, std::size_t) {
    if (ec) return close();
    do_read(d);
}

void tunnel::finish_direction(direction& d) {
    d.done = true;
    error_code ignored;
    d.to->tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    if (up_.done && down_.done) close();
}

void tunnel::close() {
    if (closed_) return;
    closed_ = true;
    client_.close();
    upstream_->stream.close();
}

}  // namespace phiguard::proxy
