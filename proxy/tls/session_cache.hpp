#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <openssl/ssl.h>

namespace phiguard::proxy::tls {

/// Client-side TLS sessions by origin host name, so a second connection to
/// an origin resumes instead of repeating the full handshake. Bounded: when
/// full, an arbitrary entry makes room. Thread-safe.
class session_cache {
public:
    using session_ptr = std::unique_ptr<SSL_SESSION, decltype(&SSL_SESSION_free)>;

    explicit session_cache(std::size_t capacity = 1000) : capacity_(capacity) {}

    /// Keeps a reference to session for host (replacing an older one).
    void put(const std::string& host, SSL_SESSION* session);
    /// The session for host, or null.
    session_ptr get(const std::string& host) const;
    std::size_t size() const;

private:
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, session_ptr> sessions_;
};

}  // namespace phiguard::proxy::tls
