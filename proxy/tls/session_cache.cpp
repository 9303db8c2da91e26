#include "proxy/tls/session_cache.hpp"

namespace phiguard::proxy::tls {

void session_cache::put(const std::string& host, SSL_SESSION* session) {
    if (session == nullptr || capacity_ == 0 || SSL_SESSION_up_ref(session) != 1) return;
    session_ptr owned(session, SSL_SESSION_free);
    std::lock_guard lock(mutex_);
    if (auto it = sessions_.find(host); it != sessions_.end()) {
        it->second = std::move(owned);
        return;
    }
    if (sessions_.size() >= capacity_) sessions_.erase(sessions_.begin());
    sessions_.emplace(host, std::move(owned));
}

session_cache::session_ptr session_cache::get(const std::string& host) const {
    std::lock_guard lock(mutex_);
    auto it = sessions_.find(host);
    if (it == sessions_.end() || SSL_SESSION_up_ref(it->second.get()) != 1)
        return session_ptr(nullptr, SSL_SESSION_free);
    return session_ptr(it->second.get(), SSL_SESSION_free);
}

std::size_t session_cache::size() const {
    std::lock_guard lock(mutex_);
    return sessions_.size();
}

}  // namespace phiguard::proxy::tls
