#include "proxy/hop_by_hop.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace phiguard::proxy;

namespace {

std::size_t count(const http::fields& f, std::string_view name) {
    std::size_t n = 0;
    for (const auto& field : f)
        if (beast::iequals(field.name_string(), name)) ++n;
    return n;
}

}  // namespace

TEST_CASE("hop_by_hop: every listed hop-by-hop field is removed") {
    http::fields f;
    f.insert(http::field::connection, "keep-alive");
    f.insert(http::field::proxy_connection, "keep-alive");
    f.insert(http::field::keep_alive, "timeout=5");
    f.insert(http::field::te, "trailers");
    f.insert(http::field::trailer, "Expires");
    f.insert(http::field::transfer_encoding, "chunked");
    f.insert(http::field::upgrade, "websocket");
    f.insert(http::field::proxy_authorization, "Basic dXNlcjpwYXNz");
    f.insert(http::field::proxy_authenticate, "Basic realm=x");
    f.insert(http::field::host, "example.com");
    strip_hop_by_hop(f);
    for (auto name :
         {"Connection", "Proxy-Connection", "Keep-Alive", "TE", "Trailer", "Transfer-Encoding",
          "Upgrade", "Proxy-Authorization", "Proxy-Authenticate"}) {
        CAPTURE(name);
        CHECK(count(f, name) == 0);
    }
    CHECK(f[http::field::host] == "example.com");
}

TEST_CASE("hop_by_hop: end-to-end fields are kept untouched") {
    http::fields f;
    f.insert(http::field::host, "example.com");
    f.insert(http::field::authorization, "Bearer token");
    f.insert(http::field::cookie, "a=b");
    f.insert(http::field::content_type, "application/json");
    f.insert(http::field::content_length, "17");
    f.insert(http::field::user_agent, "curl/7.88.1");
    f.insert("X-Custom", "value");
    f.insert(http::field::connection, "close");
    strip_hop_by_hop(f);
    CHECK(f[http::field::authorization] == "Bearer token");
    CHECK(f[http::field::cookie] == "a=b");
    CHECK(f[http::field::content_type] == "application/json");
    CHECK(f[http::field::content_length] == "17");
    CHECK(f[http::field::user_agent] == "curl/7.88.1");
    CHECK(f["X-Custom"] == "value");
    CHECK(count(f, "Connection") == 0);
}

TEST_CASE("hop_by_hop: fields named by Connection are removed, in any case") {
    http::fields f;
    f.insert(http::field::connection, "close, X-Secret-Hop , x-other");
    f.insert("X-Secret-Hop", "1");
    f.insert("X-Other", "2");
    f.insert("X-Kept", "3");
    strip_hop_by_hop(f);
    CHECK(count(f, "X-Secret-Hop") == 0);
    CHECK(count(f, "X-Other") == 0);
    CHECK(f["X-Kept"] == "3");
}

TEST_CASE("hop_by_hop: every Connection line counts, even when not adjacent") {
    http::fields f;
    f.insert(http::field::connection, "X-First");
    f.insert(http::field::host, "example.com");
    f.insert("X-First", "1");
    f.insert(http::field::connection, "X-Second");
    f.insert("X-Second", "2");
    f.insert("X-Second", "2b");
    strip_hop_by_hop(f);
    CHECK(count(f, "X-First") == 0);
    CHECK(count(f, "X-Second") == 0);
    CHECK(count(f, "Connection") == 0);
    CHECK(f[http::field::host] == "example.com");
}

TEST_CASE("hop_by_hop: Via gains our hop after earlier ones") {
    http::fields fresh;
    add_via(fresh, 11);
    CHECK(fresh[http::field::via] == "1.1 phiguard");

    http::fields old;
    add_via(old, 10);
    CHECK(old[http::field::via] == "1.0 phiguard");

    http::fields chained;
    chained.insert(http::field::via, "1.1 edge-cache");
    add_via(chained, 11);
    CHECK(chained[http::field::via] == "1.1 edge-cache, 1.1 phiguard");
    CHECK(count(chained, "Via") == 1);

    http::fields split;
    split.insert(http::field::via, "1.0 first");
    split.insert(http::field::host, "example.com");
    split.insert(http::field::via, "1.1 second");
    add_via(split, 11);
    CHECK(split[http::field::via] == "1.0 first, 1.1 second, 1.1 phiguard");
    CHECK(count(split, "Via") == 1);
}
