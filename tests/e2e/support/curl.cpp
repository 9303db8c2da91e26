#include "e2e/support/curl.hpp"

#include <cstdio>

namespace phiguard::e2e {

namespace {

constexpr const char* write_out =
    "%{stderr}@@ status=%{http_code} connects=%{num_connects} time=%{time_total} "
    "size=%{size_download} @@\n";

// The offset where the body of a single transfer starts: past every head, interim ones too.
std::size_t body_offset(const std::string& out) {
    std::size_t pos = 0;
    for (int guard = 0; guard < 16 && out.compare(pos, 5, "HTTP/") == 0; ++guard) {
        auto const end = out.find("\r\n\r\n", pos);
        if (end == std::string::npos) return out.size();
        pos = end + 4;
    }
    return pos;
}

std::size_t last_head_offset(const std::string& out) {
    std::size_t pos = 0;
    std::size_t last = 0;
    for (int guard = 0; guard < 16 && out.compare(pos, 5, "HTTP/") == 0; ++guard) {
        last = pos;
        auto const end = out.find("\r\n\r\n", pos);
        if (end == std::string::npos) break;
        pos = end + 4;
    }
    return last;
}

}  // namespace

http_reply curl_result::reply() const {
    auto const start = last_head_offset(run.out);
    auto const end = body_offset(run.out);
    std::size_t consumed = 0;
    auto parsed =
        parse_reply(std::string_view(run.out).substr(start, end - start), true, true, consumed);
    return parsed ? *parsed : http_reply{};
}

std::string curl_result::body() const {
    return run.out.substr(body_offset(run.out));
}

std::string curl_result::describe() const {
    // Built with append rather than operator+ chains: GCC 12 at -O2 reports a false
    // -Warray-bounds inside the inlined rvalue operator+.
    std::string text = "curl exit " + std::to_string(run.exit_code);
    if (run.timed_out) text.append(" (timed out)");
    text.append("\n--- stdout ---\n");
    text.append(std::string_view(run.out).substr(0, 2000));
    if (run.out.size() > 2000) text.append("…");
    text.append("\n--- stderr ---\n");
    text.append(run.err);
    return text;
}

curl_result curl(const std::string& proxy_url, const std::vector<std::string>& args,
                 std::chrono::milliseconds timeout) {
    auto const seconds = std::to_string(std::max<long>(1, timeout.count() / 1000));
    std::vector<std::string> argv{"curl", "-sS", "-D", "-", "--max-time", seconds, "-w", write_out};
    if (!proxy_url.empty()) {
        argv.push_back("-x");
        argv.push_back(proxy_url);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    curl_result result;
    // The command's own deadline is a little longer so curl reports its timeout itself.
    result.run = run_command(argv, timeout + std::chrono::seconds(5));
    // One "@@ status=… @@" marker per transfer (scanned without std::regex: GCC 12 reports
    // false maybe-uninitialized errors inside it under the sanitizers).
    const std::string& err = result.run.err;
    for (auto at = err.find("@@ status="); at != std::string::npos;
         at = err.find("@@ status=", at + 1)) {
        curl_transfer t;
        int status = 0, connects = 0;
        double elapsed = 0;
        unsigned long long size = 0;
        if (std::sscanf(err.c_str() + at, "@@ status=%d connects=%d time=%lf size=%llu @@", &status,
                        &connects, &elapsed, &size) != 4)
            continue;
        t.status = status;
        t.connects = connects;
        t.seconds = elapsed;
        t.size_download = size;
        result.transfers.push_back(t);
    }
    return result;
}

}  // namespace phiguard::e2e
