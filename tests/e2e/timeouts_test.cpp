// Client-side timeouts: a slow head, an idle keep-alive connection and a stalled body are cut,
// while other clients keep being served at full speed.
#include "e2e/support/proxy_process.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>

#include "e2e/support/curl.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/raw_connection.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

TEST_CASE("timeouts: a client trickling its head past head_timeout is cut, others are served") {
    origin o;
    temp_dir dir;
    auto const config = dir.write("phiguard.yaml", "limits:\n  head_timeout: 1s\n");
    proxy_process proxy(pinned_args(o, {"--config", config}));

    std::atomic<int> bytes_sent{0};
    std::atomic<bool> cut{false};
    std::atomic<double> cut_after_ms{-1};
    std::thread trickler([&] {
        raw_connection c(proxy.port());
        auto const head =
            request_start(o, "GET", "/hello") + "X-Pad: " + std::string(40, 'p') + "\r\n\r\n";
        auto const start = std::chrono::steady_clock::now();
        // One byte per 100 ms, never the final CRLF: only the head timeout can end this.
        for (std::size_t i = 0; i + 2 < head.size(); ++i) {
            if (!c.send(head.substr(i, 1))) break;
            bytes_sent.fetch_add(1);
            if (c.readable_within(100ms)) {
                c.wait_closed(2s);
                break;
            }
        }
        if (c.wait_closed(10ms)) {
            cut.store(true);
            cut_after_ms.store(ms_since(start));
        }
    });
    REQUIRE(wait_until([&] { return bytes_sent.load() >= 3; }, 5s));
    auto const other = curl(proxy.url(), {origin_url(o, "/hello")});
    bool const cut_before_other_done = cut.load();
    trickler.join();

    INFO(other.describe());
    CHECK(other.status() == 200);
    CHECK(other.transfers.at(0).seconds < 0.5);
    CHECK_FALSE(cut_before_other_done);
    CHECK_MESSAGE(cut.load(), "slow client not cut; sent " << bytes_sent.load() << " bytes");
    CHECK(cut_after_ms.load() >= 900);
    CHECK(cut_after_ms.load() < 3500);
    CHECK(o.requests() == 1);
}

TEST_CASE("timeouts: an idle keep-alive connection is closed after idle_timeout") {
    origin o;
    temp_dir dir;
    auto const config = dir.write("phiguard.yaml", "limits:\n  idle_timeout: 1s\n");
    proxy_process proxy(pinned_args(o, {"--config", config}));
    raw_connection c(proxy.port());
    for (int i = 0; i < 2; ++i) {
        REQUIRE(c.send(request_start(o, "GET", "/hello") + "\r\n"));
        auto const reply = c.read_response(5s);
        REQUIRE_MESSAGE(reply, "request " << i << " on the kept-alive connection failed");
        CHECK(reply->status == 200);
    }
    auto const start = std::chrono::steady_clock::now();
    REQUIRE(c.wait_closed(6s));
    double const after = ms_since(start);
    CHECK(after >= 800);
    CHECK(after < 3500);
}

TEST_CASE("timeouts: a request body that stalls past body_timeout is cut") {
    origin o;
    temp_dir dir;
    auto const config = dir.write("phiguard.yaml", "limits:\n  body_timeout: 1s\n");
    proxy_process proxy(pinned_args(o, {"--config", config}));
    raw_connection c(proxy.port());
    REQUIRE(c.send(request_start(o, "POST", "/echo") + "Content-Length: 100\r\n\r\n0123456789"));
    auto const start = std::chrono::steady_clock::now();
    REQUIRE(c.wait_closed(6s));
    double const after = ms_since(start);
    CHECK(after >= 800);
    CHECK(after < 3500);
    for (auto const& rec : o.records()) CHECK_FALSE(rec.body_complete);
    // The proxy is still there for everyone else.
    auto const ok = curl(proxy.url(), {origin_url(o, "/hello")});
    CHECK(ok.status() == 200);
}
