#include "proxy/session.hpp"

#include <spdlog/spdlog.h>

#include "proxy/forward_exchange.hpp"
#include "proxy/head_check.hpp"
#include "proxy/local_reply.hpp"

namespace phiguard::proxy {

session::session(tcp_socket&& socket, worker& home, std::shared_ptr<const proxy_context> ctx)
    : home_(home), ctx_(std::move(ctx)), client_(tcp_stream(std::move(socket))) {
    error_code ec;
    auto remote = client_.tcp().socket().remote_endpoint(ec);
    client_address_ = ec ? "unknown" : remote.address().to_string();
    client_.tcp().socket().set_option(tcp::no_delay(true), ec);
    ctx_->counters.active_connections.fetch_add(1);
    home_.attach(this);
}

session::~session() {
    home_.detach(this);
    ctx_->counters.active_connections.fetch_sub(1);
}

void session::run() {
    // A new connection must deliver its first head within the head timeout.
    client_.tcp().expires_after(ctx_->run().limits.head_timeout);
    do_read_head();
}

void session::drain() {
    if (waiting_idle_) close();
}

void session::abort() {
    close();
}

void session::close() {
    if (closed_ || moved_out_) return;
    closed_ = true;
    client_.close();
}

void session::start_head() {
    // The head timeout runs from the first byte of a request, and a trickle
    // of bytes cannot extend it: the deadline is set once per head.
    waiting_idle_ = false;
    client_.tcp().expires_after(ctx_->run().limits.head_timeout);
}

void session::do_read_head() {
    auto data = std::string_view(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    auto from = scanned_ > 3 ? scanned_ - 3 : 0;
    if (auto end = find_head_end(data, from); end != std::string_view::npos) return on_head(end);
    scanned_ = data.size();
    const auto limit = ctx_->run().limits.header_bytes;
    if (buffer_.size() >= limit)
        return reply(http::status::bad_request,
                     "bad request: request head exceeds " + std::to_string(limit) + " bytes",
                     false);
    client_.async_read_some(
        buffer_.prepare(std::min<std::size_t>(16384, limit + 1 - buffer_.size())),
        beast::bind_front_handler(&session::on_read_head, shared_from_this()));
}

void session::on_read_head(error_code ec, std::size_t bytes) {
    buffer_.commit(bytes);
    if (ec == beast::error::timeout && buffer_.size() > 0 && !closed_) {
        spdlog::info("{}: request head not received within the head timeout; closing",
                     client_address_);
        return reply(http::status::request_timeout, "request head timed out", false);
    }
    if (ec) return close();  // peer went away, idle timeout, or we closed it
    if (waiting_idle_ && bytes > 0) start_head();
    do_read_head();
}

void session::on_head(std::size_t head_size) {
    auto head = std::string_view(static_cast<const char*>(buffer_.data().data()), head_size);
    scanned_ = 0;
    if (auto reason = check_request_head(head, ctx_->run().limits.header_fields)) {
        spdlog::info("{}: refused malformed request: {}", client_address_, *reason);
        return reply(http::status::bad_request, "bad request: " + *reason, false);
    }
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(head_size + 1));
    parser_->body_limit(boost::none);  // bodies stream through; limits apply per read
    error_code ec;
    auto used = parser_->put(net::buffer(head.data(), head.size()), ec);
    buffer_.consume(used);
    if (ec || !parser_->is_header_done())
        return reply(http::status::bad_request,
                     "bad request: " + (ec ? ec.message() : std::string("incomplete head")), false);
    route_request();
}

std::optional<request_target> session::target_of_request() {
    auto& req = parser_->get();
    std::string_view target = req.target();
    if (intercepted_) {
        // Inside an intercepted tunnel requests are origin-form and go to the
        // CONNECT destination; a Host naming another site is refused, since
        // the policy classified the tunnel by its CONNECT name.
        if (target.empty() || target.front() != '/') {
            reply(http::status::bad_request,
                  "bad request: expected an origin-form target inside the TLS tunnel", false);
            return std::nullopt;
        }
        request_target t = *intercepted_;
        t.path = std::string(target);
        auto host = req[http::field::host];
        if (!host.empty() && !host_matches(t, host)) {
            reply(http::status::bad_request,
                  "bad request: Host header disagrees with the CONNECT destination", false);
            return std::nullopt;
        }
        return t;
    }
    if (target.empty() || target.front() == '/' || target.front() == '*') {
        reply(http::status::bad_request,
              "this is a forward proxy, not a web server: configure it as your HTTP "
              "proxy (HTTP_PROXY=http://HOST:PORT, HTTPS_PROXY=http://HOST:PORT, or curl -x) "
              "and request absolute URLs through it",
              false);
        return std::nullopt;
    }
    std::string reason = "request target is not an absolute http:// URL";
    auto parsed = parse_absolute_target(target, reason);
    if (!parsed) {
        reply(http::status::bad_request, "bad request: " + reason, false);
        return std::nullopt;
    }
    auto host = req[http::field::host];
    if (!host.empty() && !host_matches(*parsed, host)) {
        reply(http::status::bad_request,
              "bad request: Host header disagrees with the request target's authority", false);
        return std::nullopt;
    }
    return parsed;
}

void session::route_request() {
    auto& req = parser_->get();
    ctx_->counters.requests.fetch_add(1);
    record_ = access_record{};
    record_.client = client_address_;
    record_.method = std::string(req.method_string());
    if (req.method() == http::verb::connect) {
        record_.path = "";
        auto target = parse_authority_target(req.target());
        if (!target)
            return reply(http::status::bad_request, "bad request: CONNECT needs a host:port target",
                         false);
        record_.host = target->host;
        record_.port = target->port;
        return handle_connect(*target);
    }
    auto target = target_of_request();
    if (!target) return;
    record_.host = target->host;
    record_.port = target->port;
    record_.path = std::string(target->path_only());
    std::make_shared<forward_exchange>(shared_from_this(), std::move(*target))->run();
}

void session::reply(http::status status, const std::string& text, bool keep_alive) {
    // The rest of a request body we never read would be parsed as the next
    // request: only a fully read request may keep the connection.
    bool body_read = parser_ && parser_->is_header_done() && parser_->is_done();
    keep_alive = keep_alive && body_read && !ctx_->draining.load();
    unsigned version = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
    reply_ = std::make_shared<http::response<http::string_body>>(
        local_reply(status, text, version, keep_alive));
    record_.status = static_cast<unsigned>(status);
    if (record_.verdict != "block") record_.verdict = "error";
    client_.tcp().expires_after(ctx_->run().limits.body_timeout);
    http::async_write(
        client_, *reply_,
        beast::bind_front_handler(&session::on_reply_written, shared_from_this(), keep_alive));
}

void session::on_reply_written(bool keep_alive, error_code ec, std::size_t) {
    reply_.reset();
    if (ec) return close();
    next_request(keep_alive);
}

void session::graceful_close() {
    if (closed_) return;
    if (client_.is_tls()) {
        // close_notify tells the client the response ended on purpose.
        client_.tcp().expires_after(std::chrono::seconds(1));
        return client_.tls().async_shutdown(
            [self = shared_from_this()](error_code) { self->close(); });
    }
    // Half-close first so the client reads our last response before EOF.
    error_code ignored;
    client_.tcp().socket().shutdown(tcp::socket::shutdown_send, ignored);
    close();
}

void session::exchange_done(bool keep_alive) {
    next_request(keep_alive);
}

void session::next_request(bool keep_alive) {
    if (!record_.method.empty()) {
        ctx_->access.write(record_);
        auto seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - record_.start);
        ctx_->stats.request_done(record_.verdict, seconds.count());
    }
    record_ = access_record{};
    parser_.reset();
    if (!keep_alive || ctx_->draining.load() || closed_) return graceful_close();
    if (buffer_.size() > 0) {
        start_head();  // a pipelined request is already here
    } else {
        waiting_idle_ = true;
        client_.tcp().expires_after(ctx_->run().limits.idle_timeout);
    }
    do_read_head();
}

}  // namespace phiguard::proxy
