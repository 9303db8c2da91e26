#pragma once
#include <atomic>
#include <memory>

#include "policy/engine.hpp"

namespace phiguard::proxy {

/// The policy generation in force. Requests take a snapshot when they start
/// and keep it to the end; a reload swaps in a new generation atomically, so
/// the next request (even on the same keep-alive connection) sees it and no
/// connection is dropped.
class policy_holder {
public:
    std::shared_ptr<const policy::engine> current() const { return engine_.load(); }
    void install(std::shared_ptr<const policy::engine> engine) { engine_.store(std::move(engine)); }

private:
    std::atomic<std::shared_ptr<const policy::engine>> engine_;
};

}  // namespace phiguard::proxy
