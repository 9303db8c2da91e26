#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/detect/catalogue.hpp"
#include "policy/detect/detector_config.hpp"

struct hs_database;
struct hs_scratch;

namespace phiguard::policy {

/// What a Hyperscan match id stands for. Every pattern is anchored on a literal (a key with its
/// delimiter, a dictionary term, '@', a base64 JSON prefix, "Dr."); the value is validated in
/// code, which is what keeps the scan fast.
struct pattern_info {
    enum class type : std::uint8_t {
        key,          ///< a PHI key with its delimiter; index into the key rules
        term,         ///< a dictionary term; index into the terms
        context,      ///< a context word; index is its context_mask
        context_key,  ///< a key under which dictionary terms count (test=, q=)
        email,
        base64_json,
        doctor,
        mrn,
        mrn_custom
    };
    type t = type::key;
    std::uint32_t index = 0;   ///< key rule, term or custom MRN pattern index
    std::uint32_t length = 0;  ///< literal length where fixed (base64 prefix)
};

/// One immutable compiled generation: the catalogue, the Hyperscan database and the pattern
/// table. Shared read-only across threads through shared_ptr; each thread scans with its own
/// scratch (see scratch()).
class detector_set {
public:
    /// Compiles a generation, or loads its databases from cache_dir when the same patterns
    /// were compiled before (and stores them there after a compile). Throws
    /// std::runtime_error with Hyperscan's reason (and the offending pattern) on a bad custom
    /// pattern.
    static std::shared_ptr<const detector_set> build(
        const detector_config& config,
        const std::optional<std::filesystem::path>& cache_dir = std::nullopt);
    ~detector_set();
    detector_set(const detector_set&) = delete;
    detector_set& operator=(const detector_set&) = delete;

    const detector_config& config() const noexcept { return config_; }
    const detect::catalogue& data() const noexcept { return catalogue_; }
    const std::vector<pattern_info>& patterns() const noexcept { return patterns_; }
    /// Every document is scanned with this one: keys, context words, anchors.
    const hs_database* database() const noexcept { return db_; }
    /// The dictionary, scanned only where a key or words give it a context.
    const hs_database* dictionary() const noexcept { return dict_db_; }
    const std::vector<pattern_info>& dictionary_patterns() const noexcept { return dict_; }
    std::uint64_t generation() const noexcept { return generation_; }
    /// Every database came from the cache: nothing was compiled.
    bool from_cache() const noexcept { return from_cache_; }
    std::size_t database_bytes() const noexcept;
    std::size_t pattern_count() const noexcept { return patterns_.size() + dict_.size(); }
    /// The calling thread's scratch, allocated or regrown the first time this thread scans
    /// with this generation.
    hs_scratch* scratch() const;

    bool enabled(const char* detector) const { return config_.enabled(detector); }

private:
    detector_set(detector_config config, detect::catalogue data);

    detector_config config_;
    detect::catalogue catalogue_;
    std::vector<pattern_info> patterns_;
    std::vector<pattern_info> dict_;
    hs_database* db_ = nullptr;
    hs_database* dict_db_ = nullptr;
    std::uint64_t generation_ = 0;
    bool from_cache_ = false;
};

}  // namespace phiguard::policy
