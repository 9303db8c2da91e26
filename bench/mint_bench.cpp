// Leaf minting and cache costs, plus in-process TLS handshakes served by
// server_context with a warm cache (client and server on one thread, so the
// rate counts both ends' work). Runs about five seconds.
//   cmake --build build --target bench_mint_bench && ./build/bench/bench_mint_bench
#include <stdlib.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <openssl/ssl.h>

#include "certs/authority.hpp"
#include "certs/ca.hpp"
#include "certs/leaf_cache.hpp"
#include "certs/leaf_minter.hpp"
#include "proxy/tls/server_context.hpp"

namespace certs = phiguard::certs;
using clock_type = std::chrono::steady_clock;

namespace {

/// CPU seconds of this process: on a shared, loaded machine the cost per item
/// in CPU time is steadier than in wall time, so both are printed.
double cpu_seconds() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

struct measure {
    double items = 0;
    double cpu = 0;
    double wall = 0;
};

/// Calls step (which returns how many items it did) for about budget seconds.
template <typename Step>
measure run_for(double budget, Step step) {
    measure m;
    const auto start = clock_type::now();
    const double cpu_start = cpu_seconds();
    auto wall = [&] { return std::chrono::duration<double>(clock_type::now() - start).count(); };
    while (wall() < budget) m.items += step();
    m.cpu = cpu_seconds() - cpu_start;
    m.wall = wall();
    return m;
}

void report(const char* what, double scale, const char* unit, const measure& m) {
    std::printf("%-28s %9.1f %s CPU (%9.1f %s wall, %.0f runs)\n", what, m.cpu * scale / m.items,
                unit, m.wall * scale / m.items, unit, m.items);
}

std::shared_ptr<const certs::authority> make_ca(const std::filesystem::path& dir,
                                                certs::key_kind kind) {
    certs::ca_options options;
    options.key = kind;
    certs::create_ca(dir, options);
    return certs::authority::load(dir);
}

measure mint(const certs::leaf_minter& minter, double budget) {
    std::string error;
    int n = 0;
    return run_for(budget, [&] {
        if (!minter.mint("host" + std::to_string(n++) + ".example", error)) {
            std::fprintf(stderr, "mint failed: %s\n", error.c_str());
            std::exit(1);
        }
        return 1;
    });
}

measure hit(certs::leaf_cache& cache, double budget) {
    std::string error;
    cache.get("hit.example", error);
    return run_for(budget, [&] {
        for (int i = 0; i < 1000; ++i)
            if (!cache.get("hit.example", error)) std::exit(1);
        return 1000;
    });
}

/// One full handshake between a fresh client SSL and a server SSL over a
/// memory BIO pair; false on failure.
bool handshake(SSL_CTX* server_ctx, SSL_CTX* client_ctx) {
    std::unique_ptr<SSL, decltype(&SSL_free)> server(SSL_new(server_ctx), SSL_free);
    std::unique_ptr<SSL, decltype(&SSL_free)> client(SSL_new(client_ctx), SSL_free);
    BIO* a = nullptr;
    BIO* b = nullptr;
    if (!server || !client || BIO_new_bio_pair(&a, 0, &b, 0) != 1) return false;
    SSL_set_bio(server.get(), a, a);
    SSL_set_bio(client.get(), b, b);
    SSL_set_tlsext_host_name(client.get(), "bench.example");
    SSL_set_accept_state(server.get());
    SSL_set_connect_state(client.get());
    for (int round = 0; round < 20; ++round) {
        const int c = SSL_do_handshake(client.get());
        const int s = SSL_do_handshake(server.get());
        if (c == 1 && s == 1) return true;
    }
    return false;
}

measure handshakes(phiguard::proxy::tls::server_context& server, double budget) {
    std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> client(SSL_CTX_new(TLS_client_method()),
                                                             SSL_CTX_free);
    SSL_CTX* server_ctx = server.native().native_handle();
    if (!handshake(server_ctx, client.get())) std::exit(1);  // warms the cache
    return run_for(budget, [&] {
        if (!handshake(server_ctx, client.get())) std::exit(1);
        return 1;
    });
}

}  // namespace

int main() {
    char pattern[] = "/tmp/phiguard-bench-XXXXXX";
    if (::mkdtemp(pattern) == nullptr) return 1;
    const std::filesystem::path dir = pattern;
    auto ec_ca = make_ca(dir / "ecdsa", certs::key_kind::ecdsa_p256);
    auto rsa_ca = make_ca(dir / "rsa", certs::key_kind::rsa_3072);
    auto ec_minter = std::make_shared<const certs::leaf_minter>(ec_ca);
    auto rsa_minter = std::make_shared<const certs::leaf_minter>(rsa_ca);
    auto cache = std::make_shared<certs::leaf_cache>(ec_minter, 1000);
    phiguard::proxy::tls::server_context server(cache);

    report("leaf mint, ECDSA P-256 CA:", 1e6, "us", mint(*ec_minter, 1.0));
    report("leaf mint, RSA-3072 CA:", 1e6, "us", mint(*rsa_minter, 1.0));
    report("leaf cache hit:", 1e9, "ns", hit(*cache, 0.5));
    const measure tls = handshakes(server, 1.5);
    std::printf(
        "TLS 1.3 handshakes, warm cache, client+server on one thread: %.0f per CPU "
        "second (%.0f /s wall)\n",
        tls.items / tls.cpu, tls.items / tls.wall);
    std::printf(
        "reproduce: cmake --build build --target bench_mint_bench && "
        "./build/bench/bench_mint_bench\n");
    std::filesystem::remove_all(dir);
    return 0;
}
