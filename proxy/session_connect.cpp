// CONNECT handling of a session: port policy, then a byte tunnel (or, with
// interception on, TLS termination that feeds the same request loop).
#include <spdlog/spdlog.h>

#include <algorithm>

#include "policy/destinations/domain.hpp"
#include "proxy/alert_report.hpp"
#include "proxy/block_page.hpp"
#include "proxy/incident_id.hpp"
#include "proxy/inspection.hpp"
#include "proxy/session.hpp"
#include "proxy/tunnel.hpp"

namespace phiguard::proxy {

void session::handle_connect(const request_target& target) {
    const auto& ports = ctx_->run().upstream.connect_ports;
    if (std::find(ports.begin(), ports.end(), target.port) == ports.end())
        return reply(http::status::forbidden,
                     "CONNECT to port " + std::to_string(target.port) +
                         " is not allowed (upstream.connect_ports)",
                     false);
    if (should_intercept(target)) return start_intercept(target);
    if (!admit_tunnel(target)) return;
    upstream_target where{target.host, target.port, false};
    auto self = shared_from_this();
    std::make_shared<upstream_connect>(client_.get_executor(), ctx_, where,
                                       [self, target](connect_result result) {
                                           self->on_connect_upstream(target, std::move(result));
                                       })
        ->run();
}

bool session::admit_tunnel(const request_target& target) {
    // A spliced tunnel hides its content, but its name is known: the policy
    // decides on the destination alone (no findings), so a rule can still
    // block or inventory it by name.
    auto engine = ctx_->policies.current();
    auto where = engine->classify(target.host, "", policy::today_utc());
    auto v = engine->decide(where, "CONNECT", {});
    if (v.act == policy::action::allow && !v.would_block()) return true;
    http::request_header<> head;
    head.method(http::verb::connect);
    request_target t = target;
    t.scheme = "https";
    t.path = "/";
    inspection seen(engine, t, head);
    auto incident = new_incident_id();
    report_alert(*ctx_, seen, v, record_, incident);
    if (v.act != policy::action::block) return true;
    reply(http::status::forbidden, block_page_text(v, target.host, incident), false);
    return false;
}

bool session::should_intercept(const request_target& target) const {
    if (!ctx_->intercept_tls || intercepted_) return false;
    for (const auto& pattern : ctx_->cfg.tls.no_intercept)
        if (policy::domain_matches(target.host, pattern)) return false;
    return true;
}

void session::on_connect_upstream(request_target target, connect_result result) {
    if (!result.conn) {
        spdlog::info("{}: CONNECT {}:{} failed: {}", client_address_, target.host, target.port,
                     result.message);
        return reply(result.status, result.message, false);
    }
    record_.status = 200;
    become_tunnel(std::move(result.conn), "HTTP/1.1 200 Connection established\r\n\r\n");
}

void session::become_tunnel(std::unique_ptr<upstream_conn> upstream, std::string greeting) {
    // Bytes the client sent after the head belong to the tunnel.
    std::string early(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.consume(buffer_.size());
    moved_out_ = true;
    home_.detach(this);
    auto t = std::make_shared<tunnel>(home_, ctx_, std::move(client_), std::move(upstream),
                                      std::move(greeting), std::move(early), std::move(record_));
    record_ = access_record{};
    t->run();
}

}  // namespace phiguard::proxy
