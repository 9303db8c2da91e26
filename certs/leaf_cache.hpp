#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "certs/leaf_minter.hpp"

namespace phiguard::certs {

/// Least-recently-used cache of leaves keyed by canonical host name, shared by
/// every io thread. Concurrent first requests for one host mint once: the
/// first caller mints outside the lock, the others wait for its result.
class leaf_cache {
public:
    struct stats {
        std::uint64_t hits = 0;       ///< served from the cache without waiting
        std::uint64_t misses = 0;     ///< not cached at first look (minted or waited)
        std::uint64_t mints = 0;      ///< successful mints
        std::uint64_t evictions = 0;  ///< least recently used leaves dropped
    };

    /// Throws certs::error for a null minter or capacity 0.
    explicit leaf_cache(std::shared_ptr<const leaf_minter> minter, std::size_t capacity = 1000);

    /// The leaf for host; nullptr with a reason in error when it cannot be minted.
    std::shared_ptr<const leaf> get(std::string_view host, std::string& error) noexcept;

    stats counters() const;
    std::size_t size() const;

private:
    using entry = std::pair<std::string, std::shared_ptr<const leaf>>;

    std::shared_ptr<const leaf> lookup(std::string_view host, std::string& error);
    void insert_locked(const std::string& key, std::shared_ptr<const leaf> value);

    std::shared_ptr<const leaf_minter> minter_;
    std::size_t capacity_;
    mutable std::mutex mutex_;
    std::condition_variable minted_;
    std::list<entry> order_;  ///< most recently used first
    std::unordered_map<std::string, std::list<entry>::iterator> index_;
    std::unordered_set<std::string> in_flight_;
    stats stats_;
};

}  // namespace phiguard::certs
