// The policy steps of a forward_exchange: hold the request body while the
// verdict may depend on it, then block (403, nothing sent upstream) or log
// and forward. A blocked request never has a byte sent to the origin.
#include <spdlog/spdlog.h>

#include "proxy/alert_report.hpp"
#include "proxy/block_page.hpp"
#include "proxy/forward_exchange.hpp"
#include "proxy/incident_id.hpp"

namespace phiguard::proxy {
namespace {
constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
}

void forward_exchange::start_hold() {
    auto& req = session_->parser().get();
    const auto length = session_->parser().content_length();
    inspect_->begin_body(req[http::field::content_type], req[http::field::content_encoding],
                         length ? static_cast<std::size_t>(*length) : 0);
    if (beast::iequals(req[http::field::expect], "100-continue")) {
        // The head passed the policy; now ask for the body.
        session_->client().tcp().expires_after(session_->ctx()->run().limits.body_timeout);
        return net::async_write(session_->client(), net::buffer(continue_line),
                                beast::bind_front_handler(&forward_exchange::on_hold_continue_sent,
                                                          shared_from_this()));
    }
    do_hold_read();
}

void forward_exchange::on_hold_continue_sent(error_code ec, std::size_t) {
    if (ec) return abort();
    do_hold_read();
}

void forward_exchange::do_hold_read() {
    auto& body = session_->parser().get().body();
    size_relay_buffer(session_->parser().get().base());
    body.data = buf_.data();
    body.size = buf_.size();
    session_->client().tcp().expires_after(session_->ctx()->run().limits.body_timeout);
    http::async_read_some(
        session_->client(), session_->buffer(), session_->parser(),
        beast::bind_front_handler(&forward_exchange::on_hold_read, shared_from_this()));
}

void forward_exchange::on_hold_read(error_code ec, std::size_t) {
    if (ec == http::error::need_buffer) ec = {};
    auto& parser = session_->parser();
    if (ec) {
        if (ec.category() == http::make_error_code(http::error::bad_chunk).category())
            return fail(http::status::bad_request, "bad request: " + ec.message());
        return abort();
    }
    auto got = buf_.size() - parser.get().body().size;
    held_.append(buf_.data(), got);
    inspect_->body({buf_.data(), got});
    session_->record().bytes_in += got;
    // The limit holds however the body arrived: one large read counts too.
    if (held_.size() > inspect_->engine().model().body_limit) return on_over_limit();
    if (parser.is_done()) {
        inspect_->end_body();
        holding_ = true;
        held_complete_ = true;
        auto v = inspect_->decide();
        if (v.act == policy::action::block) return block(v);
        return conclude(v);
    }
    do_hold_read();
}

void forward_exchange::on_over_limit() {
    // What was held is scanned; the rest could not be. The policy decides
    // between failing closed and streaming on with an alert.
    inspect_->end_body();
    auto v = inspect_->decide();
    if (v.act == policy::action::block) return block(v);
    const auto& model = inspect_->engine().model();
    policy::verdict over = v;
    over.rule_id = "body-over-limit";
    over.rule_description = "request body larger than the " + std::to_string(model.body_limit) +
                            "-byte inspection limit";
    over.configured = model.over_limit;
    over.act = inspect_->engine().monitor() && model.over_limit == policy::action::block
                   ? policy::action::alert
                   : model.over_limit;
    if (over.act == policy::action::block) return block(over);
    alert(over, new_incident_id());
    holding_ = true;
    held_complete_ = false;
    prepare_request();
    acquire(true);
}

void forward_exchange::conclude(const policy::verdict& v) {
    count_scan();
    if (v.act == policy::action::alert || v.would_block()) alert(v, new_incident_id());
    prepare_request();
    acquire(true);
}

void forward_exchange::alert(const policy::verdict& v, const std::string& incident) {
    report_alert(*session_->ctx(), *inspect_, v, session_->record(), incident);
}

void forward_exchange::count_scan() {
    session_->ctx()->stats.bytes_scanned(inspect_->bytes_scanned());
    session_->ctx()->stats.scan_seconds(inspect_->scan_seconds());
}

void forward_exchange::block(const policy::verdict& v) {
    count_scan();
    auto incident = new_incident_id();
    alert(v, incident);
    spdlog::info("{}: blocked {} {} by rule {} (incident {})", session_->record().client,
                 session_->record().method, target_.host, v.rule_id, incident);
    // Keep the connection only if the body was read whole (the reply path
    // checks); an unread body cannot be skipped safely.
    session_->reply(http::status::forbidden, block_page_text(v, target_.host, incident),
                    client_keep_alive_);
}

}  // namespace phiguard::proxy
