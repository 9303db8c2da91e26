#pragma once
#include <memory>
#include <optional>
#include <string>

#include "policy/engine.hpp"
#include "policy/scan/request_scan.hpp"
#include "proxy/alert_log.hpp"
#include "proxy/beast.hpp"
#include "proxy/request_target.hpp"

namespace phiguard::proxy {

/// The policy's view of one request: its destination, the PHI found in its
/// request line, headers and (when the policy needs it) body, and the
/// verdict. It pins the policy generation it started with, so a reload never
/// changes the rules under a request in flight.
class inspection {
public:
    inspection(std::shared_ptr<const policy::engine> engine, const request_target& target,
               const http::request_header<>& head);

    /// Must the body be held and scanned before deciding? False for
    /// destinations whose verdict no finding can change (a BAA in force).
    bool wants_body() const { return wants_body_; }
    /// length_hint: the Content-Length, if the request has one (0 if not).
    void begin_body(std::string_view content_type, std::string_view content_encoding,
                    std::size_t length_hint);
    void body(std::string_view chunk);
    void end_body();

    /// The verdict on what has been seen so far.
    policy::verdict decide() const;

    /// An alert line for this request and verdict (action as carried out).
    alert_event make_alert(const policy::verdict& v, const std::string& client,
                           const std::string& incident_id) const;

    /// The path (no query) as logs may keep it: redacted when the request line held PHI.
    std::string logged_path() const;

    const policy::classified& destination() const { return classified_; }
    const std::vector<policy::finding>& findings() const { return scan_.findings(); }
    std::uint64_t bytes_scanned() const { return bytes_scanned_; }
    double scan_seconds() const { return scan_seconds_; }
    const policy::engine& engine() const { return *engine_; }

private:
    std::shared_ptr<const policy::engine> engine_;
    request_target target_;
    std::string method_;
    std::string user_agent_;
    policy::classified classified_;
    policy::request_scan scan_;
    std::uint64_t bytes_scanned_ = 0;
    double scan_seconds_ = 0;
    bool wants_body_ = false;
};

}  // namespace phiguard::proxy
