#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

struct hs_database;

namespace phiguard::policy {

/// FNV-1a over everything that shapes a compiled database: the Hyperscan version (mixed in
/// by the constructor), then whatever the caller adds (each expression with its flags). A
/// changed pattern, flag or library upgrade gives another key, so a stale database is never
/// loaded; the mode is implied by the cache file's kind.
class database_fingerprint {
public:
    database_fingerprint();
    void mix(std::string_view s);
    void mix(std::uint64_t v);
    std::uint64_t value() const noexcept { return h_; }

private:
    std::uint64_t h_;
};

/// A database read back from the cache, with the note its writer stored beside it.
struct cached_database {
    hs_database* db = nullptr;  ///< owned by the caller (hs_free_database)
    std::string note;
};

/// Compiled Hyperscan databases kept in a directory, so start-up and every policy reload load
/// in milliseconds what takes a second or more to compile. A missing, truncated or foreign
/// file is a miss, never an error: the caller compiles and stores again.
class database_cache {
public:
    explicit database_cache(std::optional<std::filesystem::path> dir) : dir_(std::move(dir)) {}

    bool enabled() const noexcept { return dir_.has_value(); }
    /// kind names the file ("detectors", "list"): phiguard-<kind>-<fingerprint>.hsdb.
    std::optional<cached_database> load(std::string_view kind, std::uint64_t key) const;
    /// Writes beside the final name and renames, so a concurrent reader (another worker, a
    /// second phiguard on the same directory) never sees half a file. Failure to write only
    /// costs the next start a compile, so it is reported through the return value alone.
    bool store(std::string_view kind, std::uint64_t key, const hs_database* db,
               std::string_view note = {}) const;

private:
    std::filesystem::path file(std::string_view kind, std::uint64_t key) const;
    std::optional<std::filesystem::path> dir_;
};

/// Where compiled databases go when the configuration does not say: systemd's
/// $CACHE_DIRECTORY, else $XDG_CACHE_HOME/phiguard, else $HOME/.cache/phiguard; none if none
/// of these is set.
std::optional<std::filesystem::path> default_database_cache_dir();

}  // namespace phiguard::policy
