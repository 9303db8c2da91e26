#include "proxy/alert_report.hpp"

#include "policy/destinations/category.hpp"

namespace phiguard::proxy {

void report_alert(const proxy_context& ctx, const inspection& seen, const policy::verdict& v,
                  access_record& record, const std::string& incident) {
    ctx.alerts.write(seen.make_alert(v, record.client, incident));
    auto category = policy::to_string(seen.destination().cat);
    for (const auto& f : seen.findings()) ctx.stats.alert(f.kind, category);
    if (seen.findings().empty()) ctx.stats.alert("none", category);
    record.verdict = v.act == policy::action::block ? "block"
                     : v.would_block()              ? "would_block"
                                                    : "alert";
}

}  // namespace phiguard::proxy
