#include "proxy/client_hello.hpp"

#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <openssl/ssl.h>

using phiguard::proxy::client_hello_result;
using phiguard::proxy::parse_client_hello;
using status = client_hello_result::status;
using bytes = std::vector<std::uint8_t>;

namespace {

/// The ClientHello OpenSSL sends for sni (none if empty) and ALPN list
/// (wire format), captured from SSL_connect into a memory BIO.
bytes capture_client_hello(const std::string& sni, const std::string& alpn_wire) {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> ctx(SSL_CTX_new(TLS_client_method()),
                                                          SSL_CTX_free);
    std::unique_ptr<SSL, decltype(&SSL_free)> ssl(SSL_new(ctx.get()), SSL_free);
    REQUIRE(ssl);
    BIO* in = BIO_new(BIO_s_mem());
    BIO* out = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl.get(), in, out);  // ssl owns both
    if (!sni.empty()) SSL_set_tlsext_host_name(ssl.get(), sni.c_str());
    if (!alpn_wire.empty())
        SSL_set_alpn_protos(ssl.get(), reinterpret_cast<const unsigned char*>(alpn_wire.data()),
                            static_cast<unsigned>(alpn_wire.size()));
    CHECK(SSL_connect(ssl.get()) == -1);  // wants the server's reply
    char* data = nullptr;
    const long len = BIO_get_mem_data(out, &data);
    REQUIRE(len > 0);
    return bytes(data, data + len);
}

client_hello_result parse(const bytes& b) {
    return parse_client_hello(b);
}
client_hello_result parse(const std::string& s) {
    return parse_client_hello(std::span(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

/// The same handshake message framed into TLS records of at most chunk bytes.
bytes reframe(const bytes& hello, std::size_t chunk) {
    const bytes message(hello.begin() + 5, hello.end());
    bytes out;
    for (std::size_t pos = 0; pos < message.size(); pos += chunk) {
        const std::size_t n = std::min(chunk, message.size() - pos);
        out.insert(out.end(), {22, 3, 1, static_cast<std::uint8_t>(n >> 8),
                               static_cast<std::uint8_t>(n & 0xFF)});
        out.insert(out.end(), message.begin() + static_cast<std::ptrdiff_t>(pos),
                   message.begin() + static_cast<std::ptrdiff_t>(pos + n));
    }
    return out;
}

}  // namespace

TEST_CASE("proxy client_hello: reads SNI and ALPN from OpenSSL's ClientHello") {
    const bytes hello =
        capture_client_hello("Portal.Example.org", std::string("\x02h2\x08http/1.1"));
    const auto r = parse(hello);
    REQUIRE(r.st == status::ok);
    REQUIRE(r.sni.has_value());
    CHECK(*r.sni == "Portal.Example.org");
    CHECK(r.alpn == std::vector<std::string>{"h2", "http/1.1"});
}

TEST_CASE("proxy client_hello: a ClientHello without SNI or ALPN is still TLS") {
    const auto r = parse(capture_client_hello("", ""));
    CHECK(r.st == status::ok);
    CHECK_FALSE(r.sni.has_value());
    CHECK(r.alpn.empty());
}

TEST_CASE("proxy client_hello: every strict prefix needs more bytes") {
    const bytes hello = capture_client_hello("example.com", "");
    for (std::size_t n = 0; n < hello.size(); ++n) {
        const auto r = parse(bytes(hello.begin(), hello.begin() + static_cast<std::ptrdiff_t>(n)));
        CHECK_MESSAGE(r.st == status::need_more, "prefix ", n);
        CHECK_FALSE(r.sni.has_value());
    }
    bytes more = hello;
    more.insert(more.end(), {23, 3, 3, 0, 1, 0});  // whatever follows is not our business
    CHECK(parse(more).st == status::ok);
}

TEST_CASE("proxy client_hello: a ClientHello split over several records") {
    const bytes hello = capture_client_hello("split.example", std::string("\x08http/1.1"));
    for (std::size_t chunk : {1u, 7u, 100u, 256u}) {
        const bytes framed = reframe(hello, chunk);
        const auto r = parse(framed);
        REQUIRE_MESSAGE(r.st == status::ok, "chunk ", chunk);
        CHECK(r.sni == "split.example");
        CHECK(r.alpn == std::vector<std::string>{"http/1.1"});
        for (std::size_t n = 0; n < framed.size(); n += 13)
            CHECK(
                parse(bytes(framed.begin(), framed.begin() + static_cast<std::ptrdiff_t>(n))).st ==
                status::need_more);
    }
}

TEST_CASE("proxy client_hello: plain HTTP and other garbage are not TLS") {
    CHECK(parse(std::string("GET / HTTP/1.1\r\nHost: x\r\n\r\n")).st == status::not_tls);
    CHECK(parse(std::string("G")).st == status::not_tls);
    CHECK(parse(std::string("\x16\x02", 2)).st == status::not_tls);              // not version 3
    CHECK(parse(std::string("\x16\x03\x01\x00\x00", 5)).st == status::not_tls);  // empty record
    CHECK(parse(std::string("\x16\x03\x01\x48\x01", 5)).st == status::not_tls);  // record > 16 KiB
    CHECK(parse(std::string("\x16\x03\x01\x00\x04\x02\x00\x00\x00", 9)).st ==
          status::not_tls);  // a ServerHello
    CHECK(parse(std::string("\x16\x03\x01\x00\x04\x01\xff\xff\xff", 9)).st ==
          status::not_tls);  // ClientHello larger than we inspect
    CHECK(parse(std::string("\x15\x03\x01\x00\x02\x02\x28", 7)).st == status::not_tls);  // alert
}

TEST_CASE("proxy client_hello: inconsistent lengths inside a ClientHello are not TLS") {
    const bytes hello = capture_client_hello("example.com", "");
    bytes bad = hello;
    bad[5 + 4 + 2 + 32] = 33;  // session id longer than 32
    CHECK(parse(bad).st == status::not_tls);
    // A handshake length one byte short cuts the extensions block.
    bad = hello;
    const std::size_t len = (std::size_t{bad[6]} << 16) | (std::size_t{bad[7]} << 8) | bad[8];
    bad[8] = static_cast<std::uint8_t>((len - 1) & 0xFF);
    bad[7] = static_cast<std::uint8_t>(((len - 1) >> 8) & 0xFF);
    CHECK(parse(bad).st == status::not_tls);
}

TEST_CASE("proxy client_hello: random and mutated input never reads out of bounds") {
    std::mt19937 rng(20261124);
    const bytes hello = capture_client_hello("fuzz.example", std::string("\x02h2\x08http/1.1"));
    std::size_t seen[3] = {0, 0, 0};
    for (int i = 0; i < 3000; ++i) {
        bytes input;
        if (i % 3 == 0) {
            input.resize(rng() % 600);
            for (auto& b : input) b = static_cast<std::uint8_t>(rng());
            if (!input.empty() && rng() % 2 == 0) input[0] = 22;
            if (input.size() > 1 && rng() % 2 == 0) input[1] = 3;
        } else {
            input = i % 3 == 1 ? hello : reframe(hello, 1 + rng() % 300);
            const int flips = 1 + static_cast<int>(rng() % 4);
            for (int f = 0; f < flips; ++f)
                input[rng() % input.size()] = static_cast<std::uint8_t>(rng());
            input.resize(rng() % (input.size() + 1));
        }
        // Exact-size heap copy so ASan sees any overrun.
        std::unique_ptr<std::uint8_t[]> copy(new std::uint8_t[input.size() + 1]);
        if (!input.empty()) std::memcpy(copy.get(), input.data(), input.size());
        const auto r = parse_client_hello(std::span(copy.get(), input.size()));
        ++seen[static_cast<int>(r.st)];
        if (r.st != status::ok) CHECK_FALSE(r.sni.has_value());
    }
    CHECK(seen[static_cast<int>(status::not_tls)] > 0);
    CHECK(seen[static_cast<int>(status::need_more)] > 0);
}
