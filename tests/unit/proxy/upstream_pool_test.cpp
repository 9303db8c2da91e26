#include "proxy/upstream_pool.hpp"

#include <doctest/doctest.h>

#include <thread>
#include <vector>

using namespace phiguard::proxy;
using namespace std::chrono_literals;

namespace {

// Real loopback connections: the pool's liveness check peeks at the socket.
struct loopback {
    net::io_context io;
    tcp::acceptor acceptor{io, tcp::endpoint(net::ip::address_v4::loopback(), 0)};
    std::vector<tcp::socket> servers;  ///< the origin's ends, index = creation order

    std::unique_ptr<upstream_conn> connect(const std::string& key) {
        tcp_stream client(io.get_executor());
        client.socket().connect(acceptor.local_endpoint());
        servers.push_back(acceptor.accept());
        return std::make_unique<upstream_conn>(flex_stream(std::move(client)), key);
    }
};

unsigned short local_port(upstream_conn& c) {
    return c.stream.tcp().socket().local_endpoint().port();
}

// Lets a FIN or data sent by the origin reach our socket.
void settle() {
    std::this_thread::sleep_for(50ms);
}

}  // namespace

TEST_CASE("upstream_pool: take on an empty pool gives nothing") {
    upstream_pool pool(4, 30s);
    CHECK(pool.take("http|example.com|80") == nullptr);
    CHECK(pool.idle_count() == 0);
}

TEST_CASE("upstream_pool: a parked connection is handed back for its key only") {
    loopback lo;
    upstream_pool pool(4, 30s);
    auto conn = lo.connect("http|a.test|80");
    auto port = local_port(*conn);
    CHECK_FALSE(conn->reused);
    pool.give_back(std::move(conn));
    CHECK(pool.idle_count() == 1);

    CHECK(pool.take("http|b.test|80") == nullptr);
    CHECK(pool.idle_count() == 1);

    auto again = pool.take("http|a.test|80");
    REQUIRE(again != nullptr);
    CHECK(again->reused);
    CHECK(local_port(*again) == port);
    CHECK(pool.idle_count() == 0);
    CHECK(pool.take("http|a.test|80") == nullptr);
}

TEST_CASE("upstream_pool: the per-key cap drops the oldest, newest is taken first") {
    loopback lo;
    upstream_pool pool(2, 30s);
    std::vector<unsigned short> ports;
    for (int i = 0; i < 3; ++i) {
        auto c = lo.connect("k");
        ports.push_back(local_port(*c));
        pool.give_back(std::move(c));
    }
    auto other = lo.connect("other");
    pool.give_back(std::move(other));
    CHECK(pool.idle_count() == 3);  // two for "k", one for "other"

    auto first = pool.take("k");
    REQUIRE(first);
    CHECK(local_port(*first) == ports[2]);
    auto second = pool.take("k");
    REQUIRE(second);
    CHECK(local_port(*second) == ports[1]);
    CHECK(pool.take("k") == nullptr);
    CHECK(pool.take("other") != nullptr);
}

TEST_CASE("upstream_pool: a cap of zero keeps nothing") {
    loopback lo;
    upstream_pool pool(0, 30s);
    pool.give_back(lo.connect("k"));
    CHECK(pool.idle_count() == 0);
    CHECK(pool.take("k") == nullptr);
}

TEST_CASE("upstream_pool: connections idle past the timeout expire") {
    loopback lo;
    upstream_pool pool(4, 40ms);
    pool.give_back(lo.connect("k"));
    CHECK(pool.take("k") != nullptr);  // fresh: still usable

    pool.give_back(lo.connect("k"));
    pool.give_back(lo.connect("j"));
    std::this_thread::sleep_for(80ms);
    CHECK(pool.take("k") == nullptr);
    CHECK(pool.idle_count() == 1);  // "j" waits for the sweep
    pool.sweep();
    CHECK(pool.idle_count() == 0);
}

TEST_CASE("upstream_pool: sweep keeps connections still within the timeout") {
    loopback lo;
    upstream_pool pool(4, 10s);
    pool.give_back(lo.connect("k"));
    pool.give_back(lo.connect("j"));
    pool.sweep();
    CHECK(pool.idle_count() == 2);
    pool.clear();
    CHECK(pool.idle_count() == 0);
}

TEST_CASE("upstream_pool: a connection the origin closed is not handed out") {
    loopback lo;
    upstream_pool pool(4, 30s);
    auto live = lo.connect("k");
    auto live_port = local_port(*live);
    pool.give_back(std::move(live));
    pool.give_back(lo.connect("k"));  // newest: taken first, but closed below
    lo.servers[1].close();
    settle();
    auto got = pool.take("k");
    REQUIRE(got != nullptr);
    CHECK(local_port(*got) == live_port);
    CHECK(pool.idle_count() == 0);
}

TEST_CASE("upstream_pool: a connection with unsolicited bytes is not handed out") {
    loopback lo;
    upstream_pool pool(4, 30s);
    pool.give_back(lo.connect("k"));
    net::write(lo.servers[0], net::buffer(std::string("HTTP/1.1 408 Request Timeout\r\n\r\n")));
    settle();
    CHECK(pool.take("k") == nullptr);

    auto c = lo.connect("k");
    beast::ostream(c->buffer) << "leftover";
    pool.give_back(std::move(c));
    CHECK(pool.take("k") == nullptr);
}
