#pragma once
#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

#include "proxy/flex_stream.hpp"

namespace phiguard::proxy {

/// One connection to an origin, reusable across client requests.
struct upstream_conn {
    upstream_conn(flex_stream&& s, std::string k) : stream(std::move(s)), key(std::move(k)) {
        // A fresh flat_buffer reads 512 bytes at a time: a 1 KiB answer took three
        // reads and three writes to the client. 4 KiB holds a typical head and small
        // body in one read.
        buffer.reserve(4096);
    }
    flex_stream stream;
    std::string key;  ///< scheme|host|port as routed
    beast::flat_buffer buffer;
    std::chrono::steady_clock::time_point idle_since{};
    bool reused = false;
};

/// Idle upstream connections of one io thread. Each worker owns one, so no
/// locking: a connection is only ever used on the thread that opened it.
class upstream_pool {
public:
    upstream_pool(std::size_t max_idle_per_key, std::chrono::milliseconds idle_timeout)
        : max_idle_per_key_(max_idle_per_key), idle_timeout_(idle_timeout) {}

    /// A live idle connection for key, or null. Stale or peer-closed
    /// connections found on the way are dropped.
    std::unique_ptr<upstream_conn> take(const std::string& key);
    /// Parks a connection whose last exchange ended cleanly.
    void give_back(std::unique_ptr<upstream_conn> conn);
    /// Drops connections idle for longer than the idle timeout.
    void sweep();
    void clear() { idle_.clear(); }
    std::size_t idle_count() const;

private:
    bool usable(upstream_conn& conn, std::chrono::steady_clock::time_point now) const;

    std::size_t max_idle_per_key_;
    std::chrono::milliseconds idle_timeout_;
    std::unordered_map<std::string, std::deque<std::unique_ptr<upstream_conn>>> idle_;
};

}  // namespace phiguard::proxy
