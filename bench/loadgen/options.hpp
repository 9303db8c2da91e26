#pragma once
// What one load-generator run does: parsed from the command line.
#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace phiguard::loadgen {

struct options {
    std::string proxy = "127.0.0.1:3128";  // HOST:PORT of the forward proxy under test
    bool direct = false;  // no proxy: straight to the URL's host (the origin's own ceiling)
    std::string url;      // http:// (absolute-form) or https:// (CONNECT + TLS)
    std::string method = "GET";
    std::size_t body_size = 0;         // bytes of form body sent with each request
    std::vector<std::string> headers;  // extra "Name: value" lines
    std::string ca_file;               // trusted for the TLS inside the tunnel
    bool new_connection = false;       // one request per connection (a full handshake each)
    unsigned concurrency = 16;         // connections
    double rate = 0;                   // requests/s over all connections; 0 = closed loop
    double duration_s = 10;            // measured seconds (after the warm-up)
    double warmup_s = 2;
    std::size_t max_requests = 0;  // stop after this many measured requests (0 = no bound)
    unsigned expect_status = 200;  // any other status counts as an error
    std::vector<int> rss_pids;     // processes (with their children) whose RSS is sampled
    std::string label;             // echoed in the result line
};

// Parses argv; prints help or an error and returns false when the run should not start.
bool parse_options(int argc, char** argv, options& out, int& exit_code);

}  // namespace phiguard::loadgen
