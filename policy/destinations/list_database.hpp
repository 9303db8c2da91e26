#pragma once

#include <hs/hs.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phiguard::policy {

// How a list database came to be, for start-up logs and the benchmark.
struct list_database_stats {
    std::size_t patterns = 0;
    std::size_t bytes = 0;  // hs_database_size
    double build_ms = 0;    // compile, or read + deserialise from the cache
    bool from_cache = false;
};

// An immutable block-mode Hyperscan database of adblock expressions. Pattern ids
// are indices into the expression vector given to build().
class list_database {
public:
    struct input {
        std::vector<std::string> expressions;
        unsigned flags = 0;  // applied to every expression
    };

    // Compiles `in`, or loads it from `cache_dir` when a database for exactly
    // these expressions (and this Hyperscan version) was cached before; a fresh
    // compile is written back. Expressions Hyperscan rejects are left out and
    // their indices returned in `rejected`.
    static std::shared_ptr<const list_database> build(
        const input& in, const std::optional<std::filesystem::path>& cache_dir,
        std::vector<std::size_t>& rejected);

    ~list_database();
    list_database(const list_database&) = delete;
    list_database& operator=(const list_database&) = delete;

    // Index of the first expression found in `text` that `accept` (when given)
    // agrees to, or -1. Thread-safe: each thread keeps its own scratch space.
    using accept_fn = bool (*)(unsigned id, const void* context);
    long first_match(std::string_view text, accept_fn accept = nullptr,
                     const void* context = nullptr) const;

    const list_database_stats& stats() const { return stats_; }

private:
    list_database() = default;
    hs_database_t* db_ = nullptr;
    std::uint64_t id_ = 0;
    list_database_stats stats_;
};

}  // namespace phiguard::policy
