#include "options.hpp"

#include <CLI/CLI.hpp>

namespace phiguard::loadgen {

bool parse_options(int argc, char** argv, options& o, int& exit_code) {
    CLI::App app{
        "phiguard-loadgen: drives any HTTP forward proxy and reports throughput, "
        "latency percentiles and the proxy's peak RSS",
        "loadgen"};
    app.add_option("--proxy", o.proxy, "HOST:PORT of the proxy under test")->capture_default_str();
    app.add_flag("--direct", o.direct,
                 "No proxy: connect to the URL's host (an IP) to measure the origin itself");
    app.add_option("--url", o.url, "http://… sent in absolute form; https://… via CONNECT + TLS")
        ->required();
    app.add_option("--method", o.method, "GET or POST")->capture_default_str();
    app.add_option("--body-size", o.body_size, "Bytes of form body per request")
        ->check(CLI::Range(std::size_t{0}, std::size_t{16} << 20));
    app.add_option("--header", o.headers, "Extra 'Name: value' header (repeatable)");
    app.add_option("--ca", o.ca_file, "CA file trusted for the TLS inside the tunnel")
        ->check(CLI::ExistingFile);
    app.add_flag("--new-connection", o.new_connection,
                 "Open a new connection (and TLS handshake) for every request");
    app.add_option("-c,--concurrency", o.concurrency, "Connections")
        ->check(CLI::Range(1u, 20000u))
        ->capture_default_str();
    app.add_option("--rate", o.rate,
                   "Fixed request rate over all connections (0 = as fast as "
                   "possible); latency is measured from the scheduled time")
        ->check(CLI::NonNegativeNumber);
    app.add_option("-d,--duration", o.duration_s, "Measured seconds")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    app.add_option("--warmup", o.warmup_s, "Seconds before measuring")
        ->check(CLI::Range(0.0, 600.0))
        ->capture_default_str();
    app.add_option("-n,--requests", o.max_requests, "Stop after this many measured requests");
    app.add_option("--expect-status", o.expect_status, "Status that counts as success")
        ->capture_default_str();
    app.add_option("--rss-pid", o.rss_pids, "Sample this process's (and its children's) RSS");
    app.add_option("--label", o.label, "Name echoed in the result line");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        exit_code = app.exit(e);
        return false;
    }
    if (o.method != "GET" && o.method != "POST") {
        std::fprintf(stderr, "loadgen: --method must be GET or POST\n");
        exit_code = 2;
        return false;
    }
    return true;
}

}  // namespace phiguard::loadgen
