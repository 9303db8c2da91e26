#pragma once
// Shared by the interception, policy, reload and admin-command tests: a phiguard CA on disk, an
// HTTPS origin posing as tracker and vendor hosts, `run` arguments that intercept and pin those
// hosts to the origin, and the alert log read back as JSON objects.
#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "e2e/support/curl.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/proxy_process.hpp"
#include "support/temp_dir.hpp"

namespace phiguard::e2e {

/// The hosts the posing origin's certificate names (and intercept_args pins to it).
const std::vector<std::string>& posed_hosts();
/// A leaf valid for posed_hosts(), signed by the origin's test CA.
leaf_options posing_leaf();

/// A CA made by `phiguard ca init --dir DIR` in `dir`'s "ca" folder; throws with the
/// command's output when it fails. ca_dir() is the folder, cert() its phiguard-ca.pem.
class phiguard_ca {
public:
    explicit phiguard_ca(const temp_dir& dir);
    const std::string& ca_dir() const { return ca_dir_; }
    std::string cert() const { return ca_dir_ + "/phiguard-ca.pem"; }
    std::string key() const { return ca_dir_ + "/phiguard-ca.key"; }

private:
    std::string ca_dir_;
};

/// `run --listen 127.0.0.1:0 --ca-dir CA --upstream-ca ORIGIN_CA` plus a
/// `--connect-to HOST:443:127.0.0.1:PORT` pin per host in `hosts` (default posed_hosts()),
/// then `extra`.
std::vector<std::string> intercept_args(const phiguard_ca& ca, const origin& o,
                                        std::vector<std::string> extra = {},
                                        std::vector<std::string> hosts = posed_hosts());

/// curl through `proxy_url`, trusting only the phiguard CA (and without any TLS session reuse
/// across runs, since each run is its own process).
curl_result curl_intercepted(const std::string& proxy_url, const phiguard_ca& ca,
                             std::vector<std::string> args);

/// The alert log, line by line: the lines that parsed as JSON objects, and those that did not.
struct alert_lines {
    std::vector<boost::json::object> objects;
    std::vector<std::string> unparsable;
    std::string text;  // the whole file, for searching and for failure messages
};
alert_lines read_alerts(const std::string& path);
/// Waits up to `timeout` until the alert log holds at least `count` complete lines.
bool wait_alert_lines(const std::string& path, std::size_t count,
                      std::chrono::milliseconds timeout = std::chrono::seconds(10));

/// The value at an ECS field name ("event.action", "phiguard.baa.status") in an alert, whether
/// the log nests objects or writes dotted keys; strings as they are, other scalars as JSON text,
/// "" when absent.
std::string field(const boost::json::object& alert, std::string_view name);
/// The JSON value at `name` (nullptr when absent).
const boost::json::value* field_value(const boost::json::object& alert, std::string_view name);

/// True for exactly 32 lower- or upper-case hex digits.
bool is_incident_id(std::string_view text);
/// The 32-hex incident id after "Incident " in a block page, or "".
std::string incident_in(std::string_view block_page);

}  // namespace phiguard::e2e
