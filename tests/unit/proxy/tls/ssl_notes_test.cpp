#include "proxy/tls/ssl_notes.hpp"

#include <doctest/doctest.h>

#include <memory>

using phiguard::proxy::tls::notes_of;

TEST_CASE("proxy tls ssl_notes: created on demand, kept per SSL, freed with it") {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_method()), SSL_CTX_free);
    std::unique_ptr<SSL, decltype(&SSL_free)> a(SSL_new(ctx.get()), SSL_free);
    std::unique_ptr<SSL, decltype(&SSL_free)> b(SSL_new(ctx.get()), SSL_free);
    CHECK(notes_of(a.get(), false) == nullptr);
    auto* notes = notes_of(a.get(), true);
    REQUIRE(notes != nullptr);
    notes->fallback_host = "example.com";
    CHECK(notes_of(a.get(), false) == notes);
    CHECK(notes_of(b.get(), false) == nullptr);
    CHECK(notes_of(nullptr, true) == nullptr);
}
