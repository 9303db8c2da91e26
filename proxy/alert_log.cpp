#include "proxy/alert_log.hpp"

#include "proxy/json_line.hpp"

namespace phiguard::proxy {

std::string findings_json(const std::vector<policy::finding>& findings) {
    std::string out = "[";
    for (const auto& f : findings) {
        if (out.size() > 1) out += ',';
        out += json_line{}
                   .add("kind", f.kind)
                   .add("detector", f.detector)
                   .add("location", f.location)
                   .add("where", policy::to_string(f.where))
                   .add("hint", f.hint)
                   .add("confidence", f.confidence)
                   .object();
    }
    return out + "]";
}

std::string format_alert(const alert_event& e) {
    bool blocked = e.action == "block";
    auto event = json_line{}
                     .add("kind", "alert")
                     .add("module", "phiguard")
                     .add("dataset", "phiguard.alert")
                     .add("action", e.action)
                     .add_raw("category", "[\"network\"]")
                     .add_raw("type", blocked ? "[\"denied\"]" : "[\"allowed\"]")
                     .add("outcome", blocked ? "failure" : "success");
    auto phiguard =
        json_line{}
            .add("incident_id", e.incident_id)
            .add("verdict", e.action)
            .add("configured_verdict", e.configured)
            .add("mode", e.mode)
            .add_raw(
                "baa",
                json_line{}.add("status", e.baa_status).add("reference", e.baa_reference).object())
            .add_raw("destination", json_line{}
                                        .add("category", e.category)
                                        .add("tracker", e.tracker)
                                        .add("third_party", e.third_party)
                                        .add("registrable_domain", e.registrable_domain)
                                        .object())
            .add_raw("findings", findings_json(e.findings))
            .add("policy_generation", e.policy_generation);
    json_line line;
    line.add("@timestamp", utc_timestamp())
        .add_raw("event", event.object())
        .add_raw("rule", json_line{}.add("id", e.rule_id).add("name", e.rule_name).object())
        .add_raw("source", json_line{}.add("ip", e.client_ip).object())
        .add_raw("destination",
                 json_line{}.add("domain", e.host).add("port", unsigned{e.port}).object())
        .add_raw("url", json_line{}.add("domain", e.host).add("path", e.path).object())
        .add_raw("http", "{\"request\":" + json_line{}.add("method", e.method).object() + "}")
        .add_raw("user_agent", json_line{}.add("original", e.user_agent).object());
    if (!e.organization.empty())
        line.add_raw("organization", json_line{}.add("name", e.organization).object());
    line.add_raw("phiguard", phiguard.object());
    return line.str();
}

void alert_log::write(const alert_event& event) const {
    if (file_) file_->write(format_alert(event));
}

}  // namespace phiguard::proxy
