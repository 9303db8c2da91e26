#pragma once
#include <chrono>
#include <thread>

namespace phiguard::e2e {

using namespace std::chrono_literals;

/// Polls `condition` every `step` until it holds or `limit` has passed; returns whether it held.
/// Every wait in the e2e suite goes through here so no loop is unbounded in time.
template <class Condition>
bool wait_until(Condition&& condition, std::chrono::milliseconds limit,
                std::chrono::milliseconds step = 10ms) {
    auto const end = std::chrono::steady_clock::now() + limit;
    for (;;) {
        if (condition()) return true;
        if (std::chrono::steady_clock::now() >= end) return false;
        std::this_thread::sleep_for(step);
    }
}

/// Milliseconds elapsed since `start`, as a double for readable failure messages.
inline double ms_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
        .count();
}

}  // namespace phiguard::e2e
