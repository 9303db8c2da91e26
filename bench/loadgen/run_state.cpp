#include "run_state.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ip/address.hpp>
#include <stdexcept>

namespace phiguard::loadgen {
namespace {

boost::asio::ip::tcp::endpoint parse_endpoint(const std::string& host_port) {
    auto const colon = host_port.rfind(':');
    if (colon == std::string::npos) throw std::invalid_argument("--proxy needs HOST:PORT");
    auto host = host_port.substr(0, colon);
    if (host.starts_with('[') && host.ends_with(']')) host = host.substr(1, host.size() - 2);
    // The proxy is always addressed by IP here: no resolver time inside the measurement.
    return {boost::asio::ip::make_address(host),
            static_cast<unsigned short>(std::stoul(host_port.substr(colon + 1)))};
}

}  // namespace

run_state::run_state(boost::asio::io_context& io, options o, target t)
    : ioc(io),
      opts(std::move(o)),
      tgt(std::move(t)),
      proxy(parse_endpoint(opts.direct ? tgt.authority : opts.proxy)) {
    if (!opts.ca_file.empty()) tls.load_verify_file(opts.ca_file);
    tls.set_verify_mode(boost::asio::ssl::verify_peer);
    // No client-side session cache or tickets: every new connection is a full
    // handshake, which is what "new intercepted connections/s" measures.
    SSL_CTX_set_session_cache_mode(tls.native_handle(), SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(tls.native_handle(), SSL_OP_NO_TICKET);
    auto const now = clock::now();
    measure_from = now + std::chrono::duration_cast<clock::duration>(
                             std::chrono::duration<double>(opts.warmup_s));
    measure_until = measure_from + std::chrono::duration_cast<clock::duration>(
                                       std::chrono::duration<double>(opts.duration_s));
    schedule_start_ = now;
}

std::optional<clock::time_point> run_state::next_slot() {
    if (opts.rate <= 0) return std::nullopt;
    auto const offset =
        std::chrono::duration<double>(static_cast<double>(slots_taken_++) / opts.rate);
    return schedule_start_ + std::chrono::duration_cast<clock::duration>(offset);
}

void run_state::count_error(const char* cause) {
    if (stopping) return;
    // A proxy that refuses everything ends the run early instead of being hammered for
    // the whole window (counted even in the warm-up).
    if (++failures_ >= 1000 && failures_ > 10 * (counted.latency_us.size() + 1)) {
        ++counted.errors[cause];
        return stop();
    }
    if (!measuring(clock::now())) return;
    ++counted.errors[cause];
}

void run_state::count_request(clock::time_point started, clock::time_point done) {
    if (!measuring(done)) return;
    auto const us = std::chrono::duration_cast<std::chrono::microseconds>(done - started).count();
    counted.latency_us.push_back(static_cast<std::uint32_t>(std::max<long long>(0, us)));
    if (opts.max_requests && counted.latency_us.size() >= opts.max_requests) stop();
}

double run_state::measured_seconds() const {
    auto const end = stopping ? std::min(stopped_at, measure_until) : measure_until;
    return std::max(0.0, std::chrono::duration<double>(end - measure_from).count());
}

void run_state::stop() {
    if (stopping) return;
    stopping = true;
    stopped_at = clock::now();
    // Abandons whatever is in flight: the measured window is over.
    ioc.stop();
}

}  // namespace phiguard::loadgen
