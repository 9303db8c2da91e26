#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "policy/finding.hpp"
#include "proxy/log_file.hpp"

namespace phiguard::proxy {

/// One decision worth a SOC analyst's attention: a block, an alert, or (in
/// monitor mode) a block that was only logged. Findings carry kind, detector,
/// location and a redacted hint; the matched value never reaches this struct.
struct alert_event {
    std::string incident_id;
    std::string action;      ///< what happened: "block", "alert", "would_block"
    std::string configured;  ///< what the rule says: "block" or "alert"
    std::string rule_id;
    std::string rule_name;
    std::string mode;  ///< "enforce" or "monitor"
    std::string client_ip;
    std::string method;
    std::string host;
    std::uint16_t port = 0;
    std::string path;  ///< without the query string
    std::string user_agent;
    std::string organization;  ///< vendor, when known
    std::string category;
    std::string registrable_domain;
    bool tracker = false;
    bool third_party = true;
    std::string baa_status;  ///< "none", "in_force", "expired"
    std::string baa_reference;
    std::uint64_t policy_generation = 0;
    std::vector<policy::finding> findings;
};

/// Findings as a JSON array: kind, detector, location, where, redacted hint,
/// confidence. Shared by the alert log and the scan/explain commands.
std::string findings_json(const std::vector<policy::finding>& findings);

/// Elastic Common Schema field names (nested objects), plus phiguard.*.
std::string format_alert(const alert_event& event);

/// Writes alerts synchronously: a line is on disk (or with syslog) before the
/// request it describes is answered, so alerts are never dropped under load.
class alert_log {
public:
    explicit alert_log(std::shared_ptr<log_file> file) : file_(std::move(file)) {}
    void write(const alert_event& event) const;
    log_file* file() const { return file_.get(); }

private:
    std::shared_ptr<log_file> file_;
};

}  // namespace phiguard::proxy
