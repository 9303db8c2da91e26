#pragma once
#include <string>

#include "policy/decision/verdict.hpp"
#include "proxy/access_log.hpp"
#include "proxy/inspection.hpp"
#include "proxy/proxy_context.hpp"

namespace phiguard::proxy {

/// The one way a verdict worth an analyst's attention is reported, for
/// forwarded requests and CONNECT tunnels alike: the alert line, the
/// /metrics alert counters (by PHI kind and destination category), and the
/// access record's verdict.
void report_alert(const proxy_context& ctx, const inspection& seen, const policy::verdict& v,
                  access_record& record, const std::string& incident);

}  // namespace phiguard::proxy
