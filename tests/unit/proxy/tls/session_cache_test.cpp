#include "proxy/tls/session_cache.hpp"

#include <doctest/doctest.h>

using phiguard::proxy::tls::session_cache;

TEST_CASE("proxy tls session_cache: keeps one session per host, bounded") {
    session_cache cache(2);
    session_cache::session_ptr a(SSL_SESSION_new(), SSL_SESSION_free);
    session_cache::session_ptr b(SSL_SESSION_new(), SSL_SESSION_free);
    session_cache::session_ptr c(SSL_SESSION_new(), SSL_SESSION_free);
    CHECK_FALSE(cache.get("a.example"));
    cache.put("a.example", a.get());
    CHECK(cache.get("a.example").get() == a.get());
    cache.put("a.example", b.get());
    CHECK(cache.get("a.example").get() == b.get());
    CHECK(cache.size() == 1);
    cache.put("b.example", a.get());
    cache.put("c.example", c.get());
    CHECK(cache.size() == 2);
    CHECK(cache.get("c.example").get() == c.get());
    cache.put("d.example", nullptr);
    CHECK(cache.size() == 2);
}
