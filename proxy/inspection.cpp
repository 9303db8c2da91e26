#include "proxy/inspection.hpp"

#include <chrono>

#include "policy/decision/baa.hpp"
#include "policy/destinations/category.hpp"
#include "proxy/log_redaction.hpp"

namespace phiguard::proxy {
namespace {

// Adds the time of one scan step to a running total (for /metrics).
class scan_timer {
public:
    explicit scan_timer(double& total) : total_(total) {}
    ~scan_timer() {
        total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    scan_timer(const scan_timer&) = delete;
    scan_timer& operator=(const scan_timer&) = delete;

private:
    double& total_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

inspection::inspection(std::shared_ptr<const policy::engine> engine, const request_target& target,
                       const http::request_header<>& head)
    : engine_(std::move(engine)),
      target_(target),
      method_(head.method_string()),
      user_agent_(head[http::field::user_agent]),
      scan_(engine_->detectors()) {
    scan_timer timed(scan_seconds_);
    classified_ = engine_->classify(target_.host, target_.path, policy::today_utc());
    // The request line as the origin would see it, with scheme and host, so
    // detectors see URLs the way trackers build them.
    auto url = target_.scheme + "://" + target_.host_header() + target_.path;
    scan_.scan_target(method_, url);
    bytes_scanned_ += url.size();
    for (const auto& field : head) {
        scan_.scan_header(field.name_string(), field.value());
        bytes_scanned_ += field.name_string().size() + field.value().size();
    }
    wants_body_ = engine_->needs_body(classified_, method_);
}

void inspection::begin_body(std::string_view content_type, std::string_view content_encoding,
                            std::size_t length_hint) {
    scan_.begin_body(content_type, content_encoding, length_hint);
}

void inspection::body(std::string_view chunk) {
    scan_timer timed(scan_seconds_);
    scan_.body(chunk);
    bytes_scanned_ += chunk.size();
}

void inspection::end_body() {
    scan_.end_body();
}

policy::verdict inspection::decide() const {
    return engine_->decide(classified_, method_, scan_.findings());
}

std::string inspection::logged_path() const {
    return proxy::logged_path(target_.path_only(), scan_.findings());
}

alert_event inspection::make_alert(const policy::verdict& v, const std::string& client,
                                   const std::string& incident_id) const {
    alert_event e;
    e.incident_id = incident_id;
    e.configured = std::string(policy::to_string(v.configured));
    e.action = v.act == policy::action::block ? "block"
               : v.would_block()              ? "would_block"
                                              : std::string(policy::to_string(v.act));
    e.rule_id = v.rule_id;
    e.rule_name = v.rule_description;
    e.mode = engine_->monitor() ? "monitor" : "enforce";
    e.client_ip = client;
    e.method = method_;
    e.host = target_.host;
    e.port = target_.port;
    e.path = logged_path();
    e.user_agent = logged_user_agent(user_agent_, scan_.findings());
    e.organization = classified_.organization;
    e.category = std::string(policy::to_string(classified_.cat));
    e.registrable_domain = classified_.dest.registrable_domain;
    e.tracker = classified_.tracker;
    e.third_party = classified_.third_party;
    e.baa_status = std::string(policy::to_string(classified_.baa));
    if (classified_.entry && classified_.entry->baa)
        e.baa_reference = classified_.entry->baa->reference;
    e.policy_generation = engine_->generation();
    e.findings = scan_.findings();
    return e;
}

}  // namespace phiguard::proxy
