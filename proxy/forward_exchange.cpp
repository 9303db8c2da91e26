#include "proxy/forward_exchange.hpp"

#include <spdlog/spdlog.h>

#include <charconv>
#include <sstream>

#include "proxy/hop_by_hop.hpp"

namespace phiguard::proxy {
namespace {

constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";

bool iequals(std::string_view a, std::string_view b) {
    return beast::iequals(a, b);
}

}  // namespace

forward_exchange::forward_exchange(std::shared_ptr<session> s, request_target target)
    : session_(std::move(s)), target_(std::move(target)) {
    upstream_ = {target_.host, target_.port, target_.scheme == "https"};
}

void forward_exchange::run() {
    auto& parser = session_->parser();
    client_keep_alive_ = parser.keep_alive();
    inspect_.emplace(session_->ctx()->policies.current(), target_, parser.get().base());
    // The access log keeps the path too: the same redaction as the alert log.
    session_->record().path = inspect_->logged_path();
    auto head_verdict = inspect_->decide();
    // PHI in the request line or headers already decides a block: no need
    // to ask for (or wait for) the body.
    if (head_verdict.act == policy::action::block) return block(head_verdict);
    if (!parser.is_done() && inspect_->wants_body()) return start_hold();
    conclude(head_verdict);
}

void forward_exchange::prepare_request() {
    auto& parser = session_->parser();
    auto& req = parser.get();
    client_keep_alive_ = parser.keep_alive();
    // We answer 100-continue ourselves once the origin is reachable, so the
    // origin never sees Expect (it could not know we already answered).
    expect_continue_ =
        !holding_ && iequals(req[http::field::expect], "100-continue") && !parser.is_done();
    req.erase(http::field::expect);
    // A fully held body has a known length whatever its framing was.
    bool chunked = parser.chunked() && !held_complete_;
    upgrade_ = req.method() == http::verb::get ? websocket_upgrade(req) : std::string{};
    strip_hop_by_hop(req);
    if (!upgrade_.empty()) keep_upgrade(req, upgrade_);
    if (!session_->ctx()->run().upstream.forwarded_for) req.erase("X-Forwarded-For");
    req.target(target_.path);
    req.set(http::field::host, target_.host_header());
    add_via(req, req.version());
    req.version(11);
    if (chunked) req.chunked(true);
    if (held_complete_) req.content_length(held_.size());
    req.body().data = nullptr;
    req.body().size = 0;
    req.body().more = !parser.is_done() || holding_;
}

void forward_exchange::acquire(bool allow_pooled) {
    if (allow_pooled) {
        if (auto conn = session_->home().pool().take(upstream_.pool_key())) {
            up_ = std::move(conn);
            return do_write_head();
        }
    }
    std::make_shared<upstream_connect>(
        session_->client().get_executor(), session_->ctx(), upstream_,
        [self = shared_from_this()](connect_result r) { self->on_connected(std::move(r)); })
        ->run();
}

void forward_exchange::on_connected(connect_result result) {
    if (!result.conn) return fail(result.status, result.message);
    up_ = std::move(result.conn);
    do_write_head();
}

void forward_exchange::do_write_head() {
    req_sr_.emplace(session_->parser().get());
    if (holding_) {
        // The held body leaves with the head, in one write.
        auto& body = session_->parser().get().body();
        body.data = held_.data();
        body.size = held_.size();
        body.more = !held_complete_;
        return do_write_request_body();
    }
    up_->stream.tcp().expires_after(session_->ctx()->run().limits.body_timeout);
    http::async_write_header(
        up_->stream, *req_sr_,
        beast::bind_front_handler(&forward_exchange::on_write_head, shared_from_this()));
}

void forward_exchange::on_write_head(error_code ec, std::size_t) {
    if (ec) {
        if (can_retry(ec)) return acquire(false);
        return fail(http::status::bad_gateway,
                    "could not send the request to " + target_.host + ": " + ec.message());
    }
    if (expect_continue_) {
        expect_continue_ = false;
        session_->client().tcp().expires_after(session_->ctx()->run().limits.body_timeout);
        return net::async_write(
            session_->client(), net::buffer(continue_line),
            beast::bind_front_handler(&forward_exchange::on_continue_sent, shared_from_this()));
    }
    if (req_sr_->is_done()) return do_read_response_head();
    do_read_request_body();
}

void forward_exchange::on_continue_sent(error_code ec, std::size_t) {
    if (ec) return abort();
    do_read_request_body();
}

void forward_exchange::do_read_request_body() {
    auto& parser = session_->parser();
    auto& body = parser.get().body();
    if (parser.is_done()) {
        // Nothing more from the client: let the serializer end the body
        // (the last chunk, for chunked framing).
        body.data = nullptr;
        body.size = 0;
        body.more = false;
        return do_write_request_body();
    }
    size_relay_buffer(parser.get().base());
    body.data = buf_.data();
    body.size = buf_.size();
    session_->client().tcp().expires_after(session_->ctx()->run().limits.body_timeout);
    http::async_read_some(
        session_->client(), session_->buffer(), parser,
        beast::bind_front_handler(&forward_exchange::on_read_request_body, shared_from_this()));
}

void forward_exchange::on_read_request_body(error_code ec, std::size_t) {
    if (ec == http::error::need_buffer) ec = {};
    auto& parser = session_->parser();
    auto& body = parser.get().body();
    if (ec) {
        spdlog::info("{}: request body from client failed: {}", session_->record().client,
                     ec.message());
        // A malformed chunked body is the client's fault and nothing of it
        // may be taken as the next request.
        if (ec.category() == http::make_error_code(http::error::bad_chunk).category() &&
            !body_sent_)
            return fail(http::status::bad_request, "bad request: " + ec.message());
        return abort();
    }
    auto got = buf_.size() - body.size;
    if (got == 0 && !parser.is_done()) return do_read_request_body();
    session_->record().bytes_in += got;
    body.data = buf_.data();
    body.size = got;
    body.more = !parser.is_done();
    do_write_request_body();
}

void forward_exchange::do_write_request_body() {
    up_->stream.tcp().expires_after(session_->ctx()->run().limits.body_timeout);
    http::async_write(
        up_->stream, *req_sr_,
        beast::bind_front_handler(&forward_exchange::on_write_request_body, shared_from_this()));
}

void forward_exchange::on_write_request_body(error_code ec, std::size_t) {
    if (ec == http::error::need_buffer) ec = {};
    // A held request has lost nothing yet when a reused connection turns out dead.
    if (ec && holding_ && !body_sent_ && can_retry(ec)) return acquire(false);
    if (ec)
        return fail(http::status::bad_gateway,
                    "sending the request body to " + target_.host + " failed: " + ec.message());
    body_sent_ = true;
    if (req_sr_->is_done()) return do_read_response_head();
    do_read_request_body();
}

void forward_exchange::do_read_response_head() {
    res_parser_.emplace();
    res_parser_->body_limit(boost::none);
    if (session_->parser().get().method() == http::verb::head) res_parser_->skip(true);
    up_->stream.tcp().expires_after(session_->ctx()->run().upstream.response_timeout);
    http::async_read_header(
        up_->stream, up_->buffer, *res_parser_,
        beast::bind_front_handler(&forward_exchange::on_read_response_head, shared_from_this()));
}

bool forward_exchange::can_retry(error_code ec) const {
    // A pooled connection the origin closed just as we reused it: safe to
    // try once more on a fresh one if no body byte was consumed.
    if (!up_ || !up_->reused || retried_ || (body_sent_ && !held_complete_)) return false;
    if (!session_->parser().is_done()) return false;
    return ec == net::error::eof || ec == http::error::end_of_stream ||
           ec == net::error::connection_reset || ec == net::error::broken_pipe;
}

void forward_exchange::on_read_response_head(error_code ec, std::size_t) {
    if (ec) {
        if (can_retry(ec)) {
            retried_ = true;
            up_.reset();
            req_sr_.reset();
            return acquire(false);
        }
        auto where = target_.host + ":" + std::to_string(target_.port);
        if (ec == beast::error::timeout)
            return fail(http::status::gateway_timeout,
                        "upstream " + where + " timed out before sending a response");
        return fail(http::status::bad_gateway,
                    "upstream " + where + " failed before sending a response: " + ec.message());
    }
    auto& res = res_parser_->get();
    auto code = res.result_int();
    if (code == 101) return on_switching_protocols();
    if (code >= 100 && code < 200) return do_read_response_head();  // interim
    strip_hop_by_hop(res);
    add_via(res, res.version());
    res.version(11);
    response_has_body_ = !res_parser_->is_done();
    if (response_has_body_ && (res_parser_->chunked() || !res_parser_->content_length())) {
        // Unknown length towards the client: chunk it for HTTP/1.1, and for
        // HTTP/1.0 the end of the connection marks the end of the body.
        if (session_->parser().get().version() >= 11)
            res.chunked(true);
        else
            client_keep_alive_ = false;
    }
    res.keep_alive(client_keep_alive_ && !session_->ctx()->draining.load());
    session_->record().status = code;
    res_sr_.emplace(res);
    // With a body, the head waits for the first body bytes so both leave in
    // one write (one segment for a typical small response, not two).
    if (response_has_body_) return do_read_response_body();
    do_write_response_head();
}

// A WebSocket handshake the origin accepted: from here on the connection
// carries frames, relayed both ways without inspection (the upgrade request
// itself was inspected and decided like any other request).
void forward_exchange::on_switching_protocols() {
    auto& res = res_parser_->get();
    auto const where = target_.host + ":" + std::to_string(target_.port);
    if (upgrade_.empty() || websocket_upgrade(res).empty())
        return fail(http::status::bad_gateway,
                    "upstream " + where +
                        " switched protocols without an accepted WebSocket "
                        "upgrade; only WebSocket upgrades are relayed");
    auto const upgrade = std::string(res[http::field::upgrade]);
    strip_hop_by_hop(res);
    keep_upgrade(res, upgrade);
    add_via(res, res.version());
    res.version(11);
    session_->record().status = 101;
    std::ostringstream head;
    head << res.base();
    std::string greeting = head.str();
    // Bytes the origin sent right after its 101 already belong to the new protocol.
    greeting.append(beast::buffers_to_string(up_->buffer.data()));
    up_->buffer.consume(up_->buffer.size());
    session_->become_tunnel(std::move(up_), std::move(greeting));
}

void forward_exchange::do_write_response_head() {
    auto& body = res_parser_->get().body();
    body.data = nullptr;
    body.size = 0;
    body.more = false;
    session_->client().tcp().expires_after(session_->ctx()->run().limits.body_timeout);
    http::async_write_header(
        session_->client(), *res_sr_,
        beast::bind_front_handler(&forward_exchange::on_write_response_head, shared_from_this()));
}

void forward_exchange::on_write_response_head(error_code ec, std::size_t) {
    if (ec) return abort();
    finish();
}

void forward_exchange::do_read_response_body() {
    auto& body = res_parser_->get().body();
    if (res_parser_->is_done()) {
        body.data = nullptr;
        body.size = 0;
        body.more = false;
        return do_write_response_body();
    }
    size_relay_buffer(res_parser_->get().base());
    body.data = buf_.data();
    body.size = buf_.size();
    up_->stream.tcp().expires_after(session_->ctx()->run().limits.body_timeout);
    http::async_read_some(
        up_->stream, up_->buffer, *res_parser_,
        beast::bind_front_handler(&forward_exchange::on_read_response_body, shared_from_this()));
}

void forward_exchange::on_read_response_body(error_code ec, std::size_t) {
    if (ec == http::error::need_buffer) ec = {};
    if (ec) {
        spdlog::info("upstream {} failed mid-response: {}", target_.host, ec.message());
        return abort();
    }
    auto& body = res_parser_->get().body();
    auto got = buf_.size() - body.size;
    if (got == 0 && !res_parser_->is_done()) return do_read_response_body();
    session_->record().bytes_out += got;
    body.data = buf_.data();
    body.size = got;
    body.more = !res_parser_->is_done();
    do_write_response_body();
}

void forward_exchange::do_write_response_body() {
    session_->client().tcp().expires_after(session_->ctx()->run().limits.body_timeout);
    http::async_write(
        session_->client(), *res_sr_,
        beast::bind_front_handler(&forward_exchange::on_write_response_body, shared_from_this()));
}

void forward_exchange::on_write_response_body(error_code ec, std::size_t) {
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return abort();
    if (res_sr_->is_done()) return finish();
    do_read_response_body();
}

void forward_exchange::size_relay_buffer(const http::fields& message) {
    // Read from the header rather than the parser's boost::optional, which
    // GCC 12 flags as maybe-uninitialized under the sanitizers. The head was
    // validated already; anything unparsable just gets the full size.
    constexpr std::size_t most = 16384;
    auto const text = message[http::field::content_length];
    std::size_t length = most;
    if (auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), length);
        ec != std::errc{} || end != text.data() + text.size() || text.empty())
        length = most;
    auto const want = std::min(length, most);
    // Only grows: a buffer in use by the other direction keeps its size.
    if (buf_.size() < std::max<std::size_t>(want, 1)) buf_.resize(std::max<std::size_t>(want, 1));
}

void forward_exchange::finish() {
    bool reusable = res_parser_->keep_alive() && res_parser_->is_done() && req_sr_->is_done() &&
                    up_->buffer.size() == 0;
    if (reusable && !session_->ctx()->draining.load()) {
        up_->reused = false;
        session_->home().pool().give_back(std::move(up_));
    }
    session_->exchange_done(client_keep_alive_ && res_parser_->get().keep_alive());
}

void forward_exchange::fail(http::status status, const std::string& message) {
    spdlog::info("{}: {} {}: {}", session_->record().client, session_->record().method,
                 target_.host, message);
    if (up_) up_->stream.close();
    // Keep the client connection only if its request was read completely.
    session_->reply(status, message, client_keep_alive_);
}

void forward_exchange::abort() {
    if (up_) up_->stream.close();
    session_->client().close();
    session_->exchange_done(false);
}

}  // namespace phiguard::proxy
