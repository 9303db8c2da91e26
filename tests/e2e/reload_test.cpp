// Policy reload in the real proxy: on SIGHUP and on a change of the --config file (or of a file
// it includes) a new generation decides the very next request on a keep-alive connection that
// stays open, plain or intercepted, and a policy that fails to load or to compile is refused
// while the old one stays in force. Plain HTTP absolute-form requests take the same pipeline as
// intercepted ones and let one raw socket carry most of the story; one test keeps a single
// intercepted TLS connection open across the reload.
#include "e2e/tracker_requests.hpp"

#include <doctest/doctest.h>
#include <openssl/ssl.h>
#include <signal.h>

#include <algorithm>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "e2e/admin_endpoint.hpp"
#include "e2e/intercept_fixture.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/policy_text.hpp"
#include "e2e/support/proxy_process.hpp"
#include "e2e/support/raw_connection.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

std::string const no_baa_policy = "first_party:\n  - portal.examplehealth.org\n";

// An Epic BAA two years from now: in force for the whole life of the suite.
std::string baa_in_force() {
    return test_policy(date_in_days(730));
}

// Replaces the content of `name` in `dir` atomically, its mtime two seconds after the old one:
// written to a sibling, dated, then renamed over it, so the proxy's one-second poll never reads
// a half-written file and sees exactly one change however finely it compares stamps.
void replace_file(const temp_dir& dir, const std::string& name, const std::string& content) {
    auto const path = dir.path() / name;
    auto const old = std::filesystem::last_write_time(path);
    auto const next = dir.write(name + ".next", content);
    std::filesystem::last_write_time(next, old + 2s);
    std::filesystem::rename(next, path);
    REQUIRE(std::filesystem::last_write_time(path) != old);
}

// The generation a SIGHUP reload put in force, from its "reload (SIGHUP): policy generation N in
// force" line; "" while there is none. The file poll may also notice the rewrite the signal is
// about and reload it once more, before or after: either way the new content is in force.
std::string sighup_generation(const std::string& err) {
    std::string const marker = "reload (SIGHUP): policy generation ";
    auto const line = line_with(err, marker);
    auto const at = line.find(marker);
    if (at == std::string::npos || line.find(" in force") == std::string::npos) return {};
    auto const number = line.substr(at + marker.size());
    return number.substr(0, number.find(' '));
}

// A plain (--no-intercept) proxy on policy.yaml, with fhir.epic.com pinned to the origin.
// `files` (name, content) are written next to policy.yaml before the proxy starts.
struct reload_rig {
    explicit reload_rig(const std::string& first_policy, std::vector<std::string> extra = {},
                        const std::vector<std::pair<std::string, std::string>>& files = {})
        : config(dir.write("policy.yaml", first_policy)), alerts(dir.file("alerts.json")) {
        for (auto const& [name, content] : files) dir.write(name, content);
        auto const pin = "fhir.epic.com:" + std::to_string(o.port()) + ":127.0.0.1";
        std::vector<std::string> args{"run",         "--listen", "127.0.0.1:0", "--no-intercept",
                                      "--resolve",   pin,        "--config",    config,
                                      "--alert-log", alerts};
        args.insert(args.end(), extra.begin(), extra.end());
        proxy.emplace(args, std::vector<std::string>{}, policy_compile_limit);
    }

    // The FHIR POST with planted PHI, in absolute form for the origin's /echo.
    std::string phi_request() const {
        auto const authority = "fhir.epic.com:" + std::to_string(o.port());
        auto const body = epic_patient().body;
        return "POST http://" + authority + "/echo HTTP/1.1\r\nHost: " + authority +
               "\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }

    // Waits for the proxy's stderr to contain `text`.
    bool logged(const std::string& text) const {
        return wait_until([&] { return proxy->stderr_text().find(text) != std::string::npos; },
                          policy_compile_limit, 20ms);
    }

    // Waits until a SIGHUP reload has put a new generation in force.
    bool sighup_installed() const {
        return wait_until([&] { return !sighup_generation(proxy->stderr_text()).empty(); },
                          policy_compile_limit, 20ms);
    }

    temp_dir dir;
    origin o;
    std::string config;
    std::string alerts;
    std::optional<proxy_process> proxy;
};

net::ssl::context trusting(const std::string& ca_file) {
    net::ssl::context tls{net::ssl::context::tls_client};
    tls.load_verify_file(ca_file);
    tls.set_verify_mode(net::ssl::verify_peer);
    return tls;
}

// One client connection through the proxy, opened with CONNECT host:443 and TLS that trusts
// only `ca_file`, then kept open so the test can send a request, act, and send the next one on
// the very same TLS connection. Every step is bounded by `limit`; a failed step leaves its
// reason in error().
class intercepted_connection {
public:
    intercepted_connection(std::uint16_t proxy_port, std::string host, const std::string& ca_file)
        : host_(std::move(host)), tls_(trusting(ca_file)), stream_(ioc_, tls_) {
        auto& tcp = beast::get_lowest_layer(stream_);
        if (!step("connecting to the proxy", [&](auto done) {
                tcp.async_connect({net::ip::make_address("127.0.0.1"), proxy_port}, done);
            }))
            return;
        connect_ = "CONNECT " + host_ + ":443 HTTP/1.1\r\nHost: " + host_ + ":443\r\n\r\n";
        if (!step("sending CONNECT",
                  [&](auto done) { net::async_write(tcp, net::buffer(connect_), done); }))
            return;
        http::response_parser<http::empty_body> established;
        established.skip(true);  // a 2xx answer to CONNECT has no body
        if (!step("reading the CONNECT answer",
                  [&](auto done) { http::async_read_header(tcp, buffer_, established, done); }))
            return;
        if (established.get().result_int() != 200) {
            error_ = "CONNECT answered " + std::to_string(established.get().result_int());
            return;
        }
        SSL_set_tlsext_host_name(stream_.native_handle(), host_.c_str());
        stream_.set_verify_callback(net::ssl::host_name_verification(host_));
        if (!step("TLS handshake with the proxy",
                  [&](auto done) { stream_.async_handshake(net::ssl::stream_base::client, done); }))
            return;
        open_ = true;
    }

    ~intercepted_connection() {
        beast::error_code ignored;
        beast::get_lowest_layer(stream_).socket().close(ignored);
    }

    intercepted_connection(const intercepted_connection&) = delete;
    intercepted_connection& operator=(const intercepted_connection&) = delete;

    bool is_open() const { return open_; }
    const std::string& error() const { return error_; }

    // Sends a POST of `body` to `target` on this connection and reads the answer.
    std::optional<http::response<http::string_body>> post(const std::string& target,
                                                          const std::string& body) {
        if (!open_) return std::nullopt;
        http::request<http::string_body> req{http::verb::post, target, 11};
        req.set(http::field::host, host_);
        req.set(http::field::content_type, "application/json");
        req.body() = body;
        req.prepare_payload();
        if (!step("sending the request", [&](auto done) { http::async_write(stream_, req, done); }))
            return std::nullopt;
        http::response<http::string_body> res;
        if (!step("reading the response",
                  [&](auto done) { http::async_read(stream_, buffer_, res, done); }))
            return std::nullopt;
        return res;
    }

private:
    // Starts one asynchronous operation through `start(handler)` and runs it to its end, or
    // until `limit` expires (the timeout of beast's tcp_stream then closes the socket).
    template <class Start>
    bool step(const char* what, Start start, std::chrono::milliseconds limit = 20s) {
        beast::get_lowest_layer(stream_).expires_after(limit);
        bool finished = false;
        beast::error_code result;
        start([&](beast::error_code ec, auto&&...) {
            finished = true;
            result = ec;
        });
        ioc_.restart();
        ioc_.run();
        beast::get_lowest_layer(stream_).expires_never();
        if (finished && !result) return true;
        error_ = std::string(what) + ": " + (finished ? result.message() : "never finished");
        open_ = false;
        return false;
    }

    std::string host_;
    net::io_context ioc_;
    net::ssl::context tls_;
    beast::ssl_stream<beast::tcp_stream> stream_;
    beast::flat_buffer buffer_;
    std::string connect_;
    std::string error_;
    bool open_ = false;
};

}  // namespace

TEST_CASE(
    "reload: a BAA added on SIGHUP flips the next decision on an open keep-alive connection") {
    reload_rig rig(no_baa_policy);
    raw_connection c(rig.proxy->port());
    REQUIRE(c.send(rig.phi_request()));
    auto const before = c.read_response(10s);
    INFO("proxy stderr:\n" << rig.proxy->stderr_text());
    REQUIRE_MESSAGE(before, "received: " << c.received());
    CHECK(before->status == 403);
    CHECK(rig.o.requests() == 0);
    CHECK_FALSE(c.peer_closed());

    replace_file(rig.dir, "policy.yaml", baa_in_force());
    rig.proxy->signal(SIGHUP);
    REQUIRE(rig.sighup_installed());

    REQUIRE(c.send(rig.phi_request()));
    auto const after = c.read_response(10s);
    REQUIRE_MESSAGE(after, "received: " << c.received());
    CHECK(after->status == 200);
    CHECK(after->body.find("body-length: " + std::to_string(epic_patient().body.size())) !=
          std::string::npos);
    REQUIRE(rig.o.requests() == 1);
    CHECK(rig.o.records().at(0).body_complete);

    REQUIRE(wait_alert_lines(rig.alerts, 1));
    auto const log = read_alerts(rig.alerts);
    INFO("alert log:\n" << log.text);
    REQUIRE_FALSE(log.objects.empty());
    CHECK(field(log.objects.front(), "event.action") == "block");
    CHECK(field(log.objects.front(), "phiguard.policy_generation") == "1");
    CHECK(leaked_value(log.text, {epic_patient()}).empty());
}

TEST_CASE(
    "reload: a BAA added on SIGHUP flips the next decision inside one intercepted TLS "
    "connection") {
    temp_dir dir;
    origin o(posing_leaf());
    phiguard_ca ca(dir);
    auto const config = dir.write("policy.yaml", no_baa_policy);
    auto const alerts = dir.file("alerts.json");
    proxy_process proxy(
        intercept_args(
            ca, o, {"--config", config, "--alert-log", alerts, "--admin-listen", "127.0.0.1:0"}),
        {}, policy_compile_limit);
    auto const admin = admin_port(proxy);
    INFO("proxy stderr:\n" << proxy.stderr_text());

    auto const epic = epic_patient();
    intercepted_connection c(proxy.port(), "fhir.epic.com", ca.cert());
    REQUIRE_MESSAGE(c.is_open(), c.error());

    auto const before = c.post("/echo", epic.body);
    REQUIRE_MESSAGE(before, c.error());
    CHECK(before->result_int() == 403);
    CHECK(before->body().find("Incident ") != std::string::npos);
    CHECK(before->keep_alive());  // the block page leaves the connection open
    CHECK(o.requests() == 0);

    replace_file(dir, "policy.yaml", baa_in_force());
    proxy.signal(SIGHUP);
    REQUIRE(wait_until([&] { return !sighup_generation(proxy.stderr_text()).empty(); },
                       policy_compile_limit, 20ms));

    auto const after = c.post("/echo", epic.body);
    REQUIRE_MESSAGE(after, c.error());
    CHECK(after->result_int() == 200);
    CHECK(after->body().find("body-length: " + std::to_string(epic.body.size())) !=
          std::string::npos);
    REQUIRE(o.requests() == 1);
    CHECK(o.records().at(0).body_complete);
    CHECK(o.records().at(0).header("Host") == "fhir.epic.com");

    // One connection, one TLS handshake: the proxy looked up exactly one leaf, holds exactly one
    // client connection open now, and opened one connection to the origin.
    auto const metrics = admin_get(admin, "/metrics").body();
    INFO("metrics:\n" << metrics);
    CHECK(metric_value(metrics, "phiguard_cert_cache_misses_total") +
              metric_value(metrics, "phiguard_cert_cache_hits_total") ==
          1);
    CHECK(metric_value(metrics, "phiguard_active_connections") == 1);
    CHECK(metric_value(metrics, "phiguard_policy_generation") >= 2);
    CHECK(o.connections() == 1);

    REQUIRE(wait_alert_lines(alerts, 1));
    auto const log = read_alerts(alerts);
    INFO("alert log:\n" << log.text);
    REQUIRE_FALSE(log.objects.empty());
    CHECK(field(log.objects.front(), "event.action") == "block");
    CHECK(field(log.objects.front(), "phiguard.policy_generation") == "1");
    CHECK(field(log.objects.front(), "url.domain") == "fhir.epic.com");
    CHECK(field(log.objects.front(), "phiguard.incident_id") == incident_in(before->body()));
    CHECK(leaked_value(log.text, {epic}).empty());
}

TEST_CASE("reload: an edited --config file is picked up and blocks on the same connection") {
    reload_rig rig(baa_in_force());
    raw_connection c(rig.proxy->port());
    REQUIRE(c.send(rig.phi_request()));
    auto const before = c.read_response(10s);
    INFO("proxy stderr:\n" << rig.proxy->stderr_text());
    REQUIRE_MESSAGE(before, "received: " << c.received());
    CHECK(before->status == 200);
    CHECK(rig.o.requests() == 1);

    // The BAA ran out: no signal, the proxy polls the file.
    replace_file(rig.dir, "policy.yaml", test_policy("2025-06-30"));
    REQUIRE(rig.logged("policy generation 2 in force"));

    REQUIRE(c.send(rig.phi_request()));
    auto const after = c.read_response(10s);
    REQUIRE_MESSAGE(after, "received: " << c.received());
    CHECK(after->status == 403);
    CHECK(after->body.find("baa-expired-phi") != std::string::npos);
    CHECK(rig.o.requests() == 1);

    REQUIRE(wait_alert_lines(rig.alerts, 1));
    auto const log = read_alerts(rig.alerts);
    INFO("alert log:\n" << log.text);
    REQUIRE_FALSE(log.objects.empty());
    auto const& last = log.objects.back();
    CHECK(field(last, "rule.id") == "baa-expired-phi");
    CHECK(field(last, "phiguard.policy_generation") == "2");
    CHECK(field(last, "phiguard.incident_id") == incident_in(after->body));
}

TEST_CASE("reload: editing an included file is picked up without SIGHUP") {
    // The main file only names the vendor list; the list knows Epic but has no BAA for it yet.
    std::string const main_policy =
        "includes: [vendors.yaml]\n"
        "first_party:\n"
        "  - portal.examplehealth.org\n";
    std::string const without_baa =
        "destinations:\n"
        "  - name: Epic Systems\n"
        "    domains: [\"*.epic.com\"]\n";
    std::string const with_baa = without_baa +
                                 "    baa:\n"
                                 "      status: signed\n"
                                 "      reference: BAA-TEST-EPIC\n"
                                 "      signed: 2024-01-15\n"
                                 "      expires: " +
                                 date_in_days(730) + "\n";
    reload_rig rig(main_policy, {}, {{"vendors.yaml", without_baa}});
    INFO("proxy stderr:\n" << rig.proxy->stderr_text());
    auto const main_mtime = std::filesystem::last_write_time(rig.config);

    raw_connection c(rig.proxy->port());
    REQUIRE(c.send(rig.phi_request()));
    auto const before = c.read_response(10s);
    REQUIRE_MESSAGE(before, "received: " << c.received());
    CHECK(before->status == 403);
    CHECK(rig.o.requests() == 0);

    // Only the included file changes; no signal is sent.
    replace_file(rig.dir, "vendors.yaml", with_baa);
    REQUIRE(rig.logged("reload (policy file changed): policy generation 2 in force"));
    CHECK(std::filesystem::last_write_time(rig.config) == main_mtime);

    REQUIRE(c.send(rig.phi_request()));
    auto const after = c.read_response(10s);
    REQUIRE_MESSAGE(after, "received: " << c.received());
    CHECK(after->status == 200);
    CHECK(after->body.find("body-length: " + std::to_string(epic_patient().body.size())) !=
          std::string::npos);
    CHECK(rig.o.requests() == 1);

    // One edit, one reload: later polls see nothing new.
    std::this_thread::sleep_for(2500ms);
    auto const err = rig.proxy->stderr_text();
    CHECK(count_of(err, "reload (") == 1);
    CHECK(err.find("policy generation 3") == std::string::npos);
    CHECK(err.find("SIGHUP") == std::string::npos);
}

TEST_CASE("reload: an invalid policy is rejected and the old one stays in force") {
    reload_rig rig(baa_in_force());
    raw_connection c(rig.proxy->port());
    REQUIRE(c.send(rig.phi_request()));
    auto const before = c.read_response(10s);
    REQUIRE_MESSAGE(before, "received: " << c.received());
    CHECK(before->status == 200);

    // A misspelt BAA status and an impossible date: either alone must sink the reload.
    auto broken = test_policy("2030-02-30");
    auto const at = broken.find("status: signed");
    REQUIRE(at != std::string::npos);
    broken.replace(at, 14, "status: signd");
    replace_file(rig.dir, "policy.yaml", broken);
    rig.proxy->signal(SIGHUP);
    INFO("proxy stderr:\n" << rig.proxy->stderr_text());
    REQUIRE(rig.logged("rejected"));
    auto const err = rig.proxy->stderr_text();
    CHECK(err.find("policy.yaml:") != std::string::npos);
    CHECK(err.find("policy generation 2 in force") == std::string::npos);

    REQUIRE(c.send(rig.phi_request()));
    auto const after = c.read_response(10s);
    REQUIRE_MESSAGE(after, "received: " << c.received());
    CHECK(after->status == 200);
    CHECK(rig.o.requests() == 2);
    CHECK(rig.proxy->running());
}

TEST_CASE("reload: a policy rejected at compile stage keeps the old generation") {
    reload_rig rig(no_baa_policy, {"--admin-listen", "127.0.0.1:0"});
    auto const admin = admin_port(*rig.proxy);
    INFO("proxy stderr:\n" << rig.proxy->stderr_text());
    raw_connection c(rig.proxy->port());
    REQUIRE(c.send(rig.phi_request()));
    auto const before = c.read_response(10s);
    REQUIRE_MESSAGE(before, "received: " << c.received());
    CHECK(before->status == 403);
    auto const metrics_before = admin_get(admin, "/metrics").body();

    // Well-formed YAML that loads, but declares a tracker a BAA vendor: only compiling the
    // policy against the catalogue finds that. Had it been installed, the Epic BAA it also adds
    // would let the next request through.
    auto const expires = date_in_days(730);
    std::string const conflicting =
        "destinations:\n"
        "  - name: Epic Systems\n"
        "    domains: [\"*.epic.com\"]\n"
        "    baa: {status: signed, signed: 2024-01-15, expires: " +
        expires +
        "}\n"
        "  - name: Meta\n"
        "    domains: [\"facebook.com\"]\n"
        "    baa: {status: signed, signed: 2024-01-15, expires: " +
        expires +
        "}\n"
        "first_party:\n"
        "  - portal.examplehealth.org\n";
    replace_file(rig.dir, "policy.yaml", conflicting);
    REQUIRE(rig.logged("reload (policy file changed) rejected"));
    // One edit is one attempt: later polls must not retry the same file.
    std::this_thread::sleep_for(1500ms);
    auto const err = rig.proxy->stderr_text();
    CHECK(count_of(err, "rejected") == 1);
    CHECK(line_with(err, "rejected").find("generation 1 stays in force") != std::string::npos);
    auto const where = rig.config + ":" + position_of(conflicting, "\"facebook.com\"") + ":";
    auto const diagnostic = line_with(err, where);
    CHECK_MESSAGE(!diagnostic.empty(), "no diagnostic at " << where);
    CHECK(diagnostic.find("error: destination 'Meta' has a BAA but 'facebook.com' is a tracker") !=
          std::string::npos);
    CHECK(diagnostic.find("a destination cannot be both") != std::string::npos);
    CHECK(err.find("policy generation 2") == std::string::npos);

    REQUIRE(c.send(rig.phi_request()));
    auto const after = c.read_response(10s);
    REQUIRE_MESSAGE(after, "received: " << c.received());
    CHECK(after->status == 403);
    CHECK(rig.o.requests() == 0);
    CHECK(rig.proxy->running());

    auto const metrics = admin_get(admin, "/metrics").body();
    INFO("metrics before:\n" << metrics_before << "\nmetrics after:\n" << metrics);
    std::string const failed = "phiguard_policy_reloads_total{result=\"failed\"}";
    std::string const ok = "phiguard_policy_reloads_total{result=\"ok\"}";
    CHECK(metric_value(metrics_before, failed) == 0);
    CHECK(metric_value(metrics, failed) == 1);
    CHECK(metric_value(metrics, ok) == metric_value(metrics_before, ok));
    CHECK(metric_value(metrics, "phiguard_policy_generation") == 1);
}
