#include "proxy/upstream_pool.hpp"

#include <sys/socket.h>

#include <cerrno>

namespace phiguard::proxy {

bool upstream_pool::usable(upstream_conn& conn, std::chrono::steady_clock::time_point now) const {
    if (now - conn.idle_since > idle_timeout_) return false;
    // Bytes already buffered past the last response would be read as the
    // next response: the connection is out of step with the origin.
    if (conn.buffer.size() != 0) return false;
    // A peek tells whether the origin closed the idle connection (0) or sent
    // something unsolicited (> 0); either way it cannot carry a new request.
    char byte;
    auto fd = conn.stream.tcp().socket().native_handle();
    auto n = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

std::unique_ptr<upstream_conn> upstream_pool::take(const std::string& key) {
    auto it = idle_.find(key);
    if (it == idle_.end()) return nullptr;
    auto now = std::chrono::steady_clock::now();
    auto& queue = it->second;
    while (!queue.empty()) {
        // Most recently used first: it is the likeliest still open.
        auto conn = std::move(queue.back());
        queue.pop_back();
        if (usable(*conn, now)) {
            conn->reused = true;
            return conn;
        }
    }
    idle_.erase(it);
    return nullptr;
}

void upstream_pool::give_back(std::unique_ptr<upstream_conn> conn) {
    if (max_idle_per_key_ == 0) return;
    conn->idle_since = std::chrono::steady_clock::now();
    auto& queue = idle_[conn->key];
    if (queue.size() >= max_idle_per_key_) queue.pop_front();
    queue.push_back(std::move(conn));
}

void upstream_pool::sweep() {
    auto now = std::chrono::steady_clock::now();
    for (auto it = idle_.begin(); it != idle_.end();) {
        auto& queue = it->second;
        while (!queue.empty() && now - queue.front()->idle_since > idle_timeout_) queue.pop_front();
        it = queue.empty() ? idle_.erase(it) : std::next(it);
    }
}

std::size_t upstream_pool::idle_count() const {
    std::size_t n = 0;
    for (const auto& [key, queue] : idle_) n += queue.size();
    return n;
}

}  // namespace phiguard::proxy
