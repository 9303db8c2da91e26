// The policy's body limit in the real proxy: a tracker request whose body is larger than
// body_limit fails closed by default (403, nothing upstream) or, with over_limit: alert, is
// streamed on whole with an alert; and SIGUSR1 moves the alert log to a fresh file after
// rotation. Plain HTTP absolute-form requests take the same pipeline as intercepted ones.
#include <doctest/doctest.h>
#include <signal.h>

#include <filesystem>
#include <optional>
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

struct limit_rig {
    explicit limit_rig(const std::string& policy)
        : config(dir.write("policy.yaml", policy)), alerts(dir.file("alerts.json")) {
        proxy.emplace(
            std::vector<std::string>{"run", "--listen", "127.0.0.1:0", "--no-intercept",
                                     "--resolve",
                                     "www.facebook.com:" + std::to_string(o.port()) + ":127.0.0.1",
                                     "--config", config, "--alert-log", alerts},
            std::vector<std::string>{}, policy_compile_limit);
    }

    // A clean form POST to the pixel endpoint (no PHI in it), body_size bytes long.
    std::string pixel_post(std::size_t body_size) const {
        auto const authority = "www.facebook.com:" + std::to_string(o.port());
        std::string body = "ev=PageView&pad=" + std::string(body_size - 16, 'x');
        return "POST http://" + authority + "/echo HTTP/1.1\r\nHost: " + authority +
               "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
               std::to_string(body.size()) + "\r\n\r\n" + body;
    }

    temp_dir dir;
    origin o;
    std::string config;
    std::string alerts;
    std::optional<proxy_process> proxy;
};

}  // namespace

TEST_CASE("body limit: a tracker body past body_limit fails closed by default") {
    limit_rig rig("body_limit: 1024\n");
    raw_connection c(rig.proxy->port());
    REQUIRE(c.send(rig.pixel_post(4096)));
    auto reply = c.read_response(10s);
    REQUIRE(reply);
    CHECK(reply->status == 403);
    CHECK(reply->body.find("body-over-limit") != std::string::npos);
    CHECK(rig.o.requests() == 0);
    REQUIRE(wait_alert_lines(rig.alerts, 1));
    auto log = read_alerts(rig.alerts);
    REQUIRE(log.objects.size() == 1);
    CHECK(field(log.objects[0], "rule.id") == "body-over-limit");
    CHECK(field(log.objects[0], "event.action") == "block");
    CHECK(field(log.objects[0], "phiguard.incident_id") == incident_in(reply->body));
}

TEST_CASE("body limit: over_limit alert streams the whole body on and logs it") {
    limit_rig rig("body_limit: 1024\nover_limit: alert\n");
    raw_connection c(rig.proxy->port());
    REQUIRE(c.send(rig.pixel_post(4096)));
    auto reply = c.read_response(10s);
    REQUIRE(reply);
    CHECK(reply->status == 200);
    // The origin got every byte: the held part and the streamed rest.
    CHECK(reply->body.find("body-length: 4096") != std::string::npos);
    REQUIRE(wait_alert_lines(rig.alerts, 1));
    auto log = read_alerts(rig.alerts);
    REQUIRE(!log.objects.empty());
    CHECK(field(log.objects[0], "rule.id") == "body-over-limit");
    CHECK(field(log.objects[0], "event.action") == "alert");
}

TEST_CASE("body limit: a body within the limit is scanned whole and decided on") {
    limit_rig rig("body_limit: 64KiB\n");
    raw_connection c(rig.proxy->port());
    REQUIRE(c.send(rig.pixel_post(4096)));
    auto reply = c.read_response(10s);
    REQUIRE(reply);
    CHECK(reply->status == 200);
    CHECK(reply->body.find("body-length: 4096") != std::string::npos);
    REQUIRE(wait_alert_lines(rig.alerts, 1));
    CHECK(field(read_alerts(rig.alerts).objects.at(0), "rule.id") == "tracker-inventory");
}

TEST_CASE("alert log: SIGUSR1 reopens the file after rotation") {
    limit_rig rig("body_limit: 64KiB\n");
    raw_connection c(rig.proxy->port());
    REQUIRE(c.send(rig.pixel_post(256)));
    REQUIRE(c.read_response(10s));
    REQUIRE(wait_alert_lines(rig.alerts, 1));
    // logrotate's move, then the signal its postrotate script sends.
    auto rotated = rig.alerts + ".1";
    std::filesystem::rename(rig.alerts, rotated);
    rig.proxy->signal(SIGUSR1);
    REQUIRE(wait_until(
        [&] { return rig.proxy->stderr_text().find("logs reopened") != std::string::npos; }, 10s,
        20ms));
    REQUIRE(c.send(rig.pixel_post(256)));
    REQUIRE(c.read_response(10s));
    REQUIRE(wait_alert_lines(rig.alerts, 1));
    CHECK(read_alerts(rig.alerts).objects.size() == 1);
    CHECK(read_alerts(rotated).objects.size() == 1);
}
