// Policy reload in the real proxy: on SIGHUP and on a change of the --config file a new
// generation decides the very next request on a keep-alive connection that stays open, and an
// invalid policy is refused while the old one stays in force. Plain HTTP absolute-form requests
// take the same pipeline as intercepted ones and let one raw socket carry the whole story.
#include "e2e/tracker_requests.hpp"

#include <doctest/doctest.h>
#include <signal.h>

#include <string>

#include "e2e/intercept_fixture.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/proxy_process.hpp"
#include "e2e/support/raw_connection.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

std::string const no_baa_policy = "first_party:\n  - portal.examplehealth.org\n";

struct reload_rig {
    explicit reload_rig(const std::string& first_policy)
        : config(dir.write("policy.yaml", first_policy)), alerts(dir.file("alerts.json")) {
        proxy.emplace(
            std::vector<std::string>{"run", "--listen", "127.0.0.1:0", "--no-intercept",
                                     "--resolve",
                                     "fhir.epic.com:" + std::to_string(o.port()) + ":127.0.0.1",
                                     "--config", config, "--alert-log", alerts},
            std::vector<std::string>{}, policy_compile_limit);
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

    temp_dir dir;
    origin o;
    std::string config;
    std::string alerts;
    std::optional<proxy_process> proxy;
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

    rig.dir.write("policy.yaml", test_policy("2030-01-14"));
    rig.proxy->signal(SIGHUP);
    REQUIRE(rig.logged("policy generation 2 in force"));

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

TEST_CASE("reload: an edited --config file is picked up and blocks on the same connection") {
    reload_rig rig(test_policy("2030-01-14"));
    raw_connection c(rig.proxy->port());
    REQUIRE(c.send(rig.phi_request()));
    auto const before = c.read_response(10s);
    INFO("proxy stderr:\n" << rig.proxy->stderr_text());
    REQUIRE_MESSAGE(before, "received: " << c.received());
    CHECK(before->status == 200);
    CHECK(rig.o.requests() == 1);

    // The BAA ran out: no signal, the proxy polls the file.
    rig.dir.write("policy.yaml", test_policy("2025-06-30"));
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

TEST_CASE("reload: an invalid policy is rejected and the old one stays in force") {
    reload_rig rig(test_policy("2030-01-14"));
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
    rig.dir.write("policy.yaml", broken);
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
