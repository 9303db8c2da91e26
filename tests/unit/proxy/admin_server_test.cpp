#include "proxy/admin_server.hpp"

#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

using namespace phiguard::proxy;

namespace {

// An admin server on 127.0.0.1:0 served by its own io thread.
struct running_admin {
    net::io_context ioc{1};
    std::atomic<bool> ready{false};
    std::atomic<int> scrapes{0};
    admin_server server{ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0),
                        [this] { return ready.load(); },
                        [this] {
                            ++scrapes;
                            return std::string("phiguard_up 1\n");
                        }};
    std::thread thread;

    running_admin() {
        server.open();
        server.run();
        thread = std::thread([this] { ioc.run(); });
    }
    ~running_admin() {
        net::post(ioc, [this] { server.close(); });
        ioc.stop();
        thread.join();
    }
    std::uint16_t port() const { return server.local_endpoint().port(); }
};

http::response<http::string_body> fetch(std::uint16_t port, http::verb method, std::string target) {
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port));
    http::request<http::empty_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.skip(method == http::verb::head);
    http::read(stream, buffer, parser);
    return parser.release();
}

}  // namespace

TEST_CASE("admin_server: /healthz answers ok whatever the readiness") {
    running_admin a;
    auto const r = fetch(a.port(), http::verb::get, "/healthz");
    CHECK(r.result() == http::status::ok);
    CHECK(r.body() == "ok\n");
    CHECK(r[http::field::cache_control] == "no-store");
}

TEST_CASE("admin_server: /readyz follows the ready callback") {
    running_admin a;
    CHECK(fetch(a.port(), http::verb::get, "/readyz").result() ==
          http::status::service_unavailable);
    a.ready = true;
    CHECK(fetch(a.port(), http::verb::get, "/readyz").result() == http::status::ok);
    a.ready = false;
    CHECK(fetch(a.port(), http::verb::get, "/readyz?verbose=1").result() ==
          http::status::service_unavailable);
}

TEST_CASE("admin_server: /metrics returns the callback's text as Prometheus 0.0.4") {
    running_admin a;
    auto const r = fetch(a.port(), http::verb::get, "/metrics");
    CHECK(r.result() == http::status::ok);
    CHECK(r.body() == "phiguard_up 1\n");
    CHECK(std::string(r[http::field::content_type]).find("version=0.0.4") != std::string::npos);
    CHECK(a.scrapes == 1);
}

TEST_CASE("admin_server: HEAD carries the GET's length without a body") {
    running_admin a;
    auto const r = fetch(a.port(), http::verb::head, "/healthz");
    CHECK(r.result() == http::status::ok);
    CHECK(r[http::field::content_length] == "3");
    CHECK(r.body().empty());
}

TEST_CASE("admin_server: other paths are 404 and other methods 405") {
    running_admin a;
    CHECK(fetch(a.port(), http::verb::get, "/").result() == http::status::not_found);
    CHECK(fetch(a.port(), http::verb::get, "/healthz/x").result() == http::status::not_found);
    auto const post = fetch(a.port(), http::verb::post, "/metrics");
    CHECK(post.result() == http::status::method_not_allowed);
    CHECK(post[http::field::allow] == "GET, HEAD");
    CHECK(a.scrapes == 0);
}

TEST_CASE("admin_server: a head past the limit closes the connection without an answer") {
    running_admin a;
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), a.port()));
    std::string head =
        "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8192, 'a') + "\r\n\r\n";
    error_code ec;
    net::write(stream, net::buffer(head), ec);
    char byte = 0;
    auto const n = stream.read_some(net::buffer(&byte, 1), ec);
    CHECK(n == 0);
    CHECK(ec);  // eof or reset, not a reply and not the 5 s timeout
    CHECK(ec != beast::error::timeout);
    // And the server still answers the next client.
    CHECK(fetch(a.port(), http::verb::get, "/healthz").result() == http::status::ok);
}

TEST_CASE("admin_server: keep-alive serves several requests on one connection") {
    running_admin a;
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    stream.expires_after(std::chrono::seconds(5));
    stream.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), a.port()));
    beast::flat_buffer buffer;
    for (int i = 0; i < 3; ++i) {
        http::request<http::empty_body> req{http::verb::get, "/metrics", 11};
        req.set(http::field::host, "127.0.0.1");
        http::write(stream, req);
        http::response<http::string_body> res;
        http::read(stream, buffer, res);
        CHECK(res.result() == http::status::ok);
        CHECK(res.keep_alive());
    }
    CHECK(a.scrapes == 3);
}

TEST_CASE("admin_server: open() on a taken address throws naming it") {
    running_admin a;
    net::io_context ioc;
    admin_server second(
        ioc, tcp::endpoint(net::ip::make_address("127.0.0.1"), a.port()), [] { return true; },
        [] { return std::string(); });
    try {
        second.open();
        FAIL("open() on a taken port did not throw");
    } catch (const std::runtime_error& e) {
        CHECK(std::string(e.what()).find("127.0.0.1:" + std::to_string(a.port())) !=
              std::string::npos);
    }
}

TEST_CASE("admin_server: close() stops accepting") {
    running_admin a;
    auto const port = a.port();
    std::atomic<bool> closed{false};
    net::post(a.ioc, [&] {
        a.server.close();
        closed = true;
    });
    for (int i = 0; i < 500 && !closed; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    REQUIRE(closed);
    net::io_context ioc;
    tcp::socket s(ioc);
    error_code ec;
    s.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port), ec);
    CHECK(ec == net::error::connection_refused);
}
