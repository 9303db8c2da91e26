#include "certs/leaf_cache.hpp"

#include "certs/error.hpp"
#include "certs/host_name.hpp"

namespace phiguard::certs {

leaf_cache::leaf_cache(std::shared_ptr<const leaf_minter> minter, std::size_t capacity)
    : minter_(std::move(minter)), capacity_(capacity) {
    if (!minter_) throw error("leaf_cache needs a leaf_minter");
    if (capacity_ == 0) throw error("leaf certificate cache capacity must be at least 1");
}

std::shared_ptr<const leaf> leaf_cache::get(std::string_view host, std::string& error) noexcept {
    try {
        return lookup(host, error);
    } catch (const std::exception& e) {
        error = e.what();
    } catch (...) {
        error = "unknown failure in the leaf cache";
    }
    return nullptr;
}

std::shared_ptr<const leaf> leaf_cache::lookup(std::string_view host, std::string& error) {
    // Canonical key, so "Example.COM." and "example.com" share one leaf.
    const std::optional<host_name> name = parse_host_name(host, error);
    if (!name) return nullptr;
    const std::string& key = name->text;

    std::unique_lock lock(mutex_);
    bool counted = false;
    for (;;) {
        if (auto it = index_.find(key); it != index_.end()) {
            order_.splice(order_.begin(), order_, it->second);
            if (!counted) ++stats_.hits;
            return it->second->second;
        }
        if (!counted) {
            ++stats_.misses;
            counted = true;
        }
        if (!in_flight_.contains(key)) break;
        minted_.wait(lock);
    }

    in_flight_.insert(key);
    lock.unlock();
    std::shared_ptr<const leaf> minted;
    try {
        minted = minter_->mint(key, error);
    } catch (...) {  // mint is noexcept; this guards the bookkeeping below anyway
    }
    lock.lock();
    in_flight_.erase(key);
    if (minted) {
        ++stats_.mints;
        insert_locked(key, minted);
    }
    lock.unlock();
    // Waiters for a failed mint retry themselves and report their own error.
    minted_.notify_all();
    return minted;
}

void leaf_cache::insert_locked(const std::string& key, std::shared_ptr<const leaf> value) {
    order_.emplace_front(key, std::move(value));
    index_[key] = order_.begin();
    while (order_.size() > capacity_) {
        index_.erase(order_.back().first);
        order_.pop_back();
        ++stats_.evictions;
    }
}

leaf_cache::stats leaf_cache::counters() const {
    std::lock_guard lock(mutex_);
    return stats_;
}

std::size_t leaf_cache::size() const {
    std::lock_guard lock(mutex_);
    return order_.size();
}

}  // namespace phiguard::certs
