#include "policy/database_cache.hpp"

#include <hs.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <system_error>

namespace phiguard::policy {
namespace {

// Layout: magic line, "<note length> <checksum>" line, note bytes, then
// hs_serialize_database's bytes. The checksum (FNV-1a over note and database) is ours:
// Hyperscan checks its header and platform, not every byte of the bytecode.
constexpr std::string_view magic = "phiguard-hsdb-2\n";

std::uint64_t checksum(std::string_view a, std::string_view b) {
    database_fingerprint f;
    f.mix(a);
    f.mix(b);
    return f.value();
}

std::atomic<unsigned> temp_counter{0};

}  // namespace

database_fingerprint::database_fingerprint() : h_(1469598103934665603ULL) {
    mix(hs_version());
}

void database_fingerprint::mix(std::string_view s) {
    for (unsigned char c : s) {
        h_ ^= c;
        h_ *= 1099511628211ULL;
    }
    // A separator, so ("ab","c") and ("a","bc") differ.
    h_ ^= 0xff;
    h_ *= 1099511628211ULL;
}

void database_fingerprint::mix(std::uint64_t v) {
    mix(std::to_string(v));
}

std::filesystem::path database_cache::file(std::string_view kind, std::uint64_t key) const {
    char name[96];
    std::snprintf(name, sizeof name, "phiguard-%.*s-%016llx.hsdb", static_cast<int>(kind.size()),
                  kind.data(), static_cast<unsigned long long>(key));
    return *dir_ / name;
}

std::optional<cached_database> database_cache::load(std::string_view kind,
                                                    std::uint64_t key) const {
    if (!dir_) return std::nullopt;
    const auto path = file(kind, key);
    // A database is code for Hyperscan's engine: only trust one that this user wrote and no
    // one else could have changed.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || st.st_uid != ::geteuid() || (st.st_mode & 022) != 0)
        return std::nullopt;
    std::ifstream f(path, std::ios::binary);
    if (!f) return std::nullopt;
    const std::string blob((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    if (blob.compare(0, magic.size(), magic) != 0) return std::nullopt;
    const auto eol = blob.find('\n', magic.size());
    if (eol == std::string::npos || eol - magic.size() > 40) return std::nullopt;
    unsigned long long note_len = 0, sum = 0;
    if (std::sscanf(blob.c_str() + magic.size(), "%llu %llx", &note_len, &sum) != 2 ||
        note_len > blob.size() - eol - 1)
        return std::nullopt;
    const std::string_view rest = std::string_view(blob).substr(eol + 1);
    const std::string_view note = rest.substr(0, note_len);
    const std::string_view bytes = rest.substr(note_len);
    if (checksum(note, bytes) != sum) return std::nullopt;
    cached_database out;
    if (hs_deserialize_database(bytes.data(), bytes.size(), &out.db) != HS_SUCCESS)
        return std::nullopt;
    out.note = std::string(note);
    return out;
}

bool database_cache::store(std::string_view kind, std::uint64_t key, const hs_database* db,
                           std::string_view note) const {
    if (!dir_ || !db) return false;
    char* bytes = nullptr;
    std::size_t length = 0;
    if (hs_serialize_database(db, &bytes, &length) != HS_SUCCESS) return false;
    std::error_code ec;
    std::filesystem::create_directories(*dir_, ec);
    const auto final_name = file(kind, key);
    const auto tmp = final_name.string() + ".tmp" + std::to_string(::getpid()) + '-' +
                     std::to_string(temp_counter++);
    bool ok = false;
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        char line[48];
        std::snprintf(
            line, sizeof line, "%zu %016llx\n", note.size(),
            static_cast<unsigned long long>(checksum(note, std::string_view(bytes, length))));
        f << magic << line;
        f.write(note.data(), static_cast<std::streamsize>(note.size()));
        f.write(bytes, static_cast<std::streamsize>(length));
        ok = static_cast<bool>(f.flush());
    }
    std::free(bytes);
    // load() distrusts group- or world-writable files, whatever the umask made this one.
    using std::filesystem::perms;
    if (ok)
        std::filesystem::permissions(
            tmp, perms::owner_read | perms::owner_write | perms::group_read | perms::others_read,
            ec);
    if (ok && !ec) std::filesystem::rename(tmp, final_name, ec);
    if (!ok || ec) {
        std::filesystem::remove(tmp, ec);
        return false;
    }
    return true;
}

std::optional<std::filesystem::path> default_database_cache_dir() {
    auto env = [](const char* name) -> const char* {
        const char* v = std::getenv(name);
        return v && *v ? v : nullptr;
    };
    // systemd's CacheDirectory= may list several, separated by ':'; the first is ours.
    if (const char* d = env("CACHE_DIRECTORY")) {
        std::string first(d);
        first = first.substr(0, first.find(':'));
        return std::filesystem::path(first);
    }
    if (const char* d = env("XDG_CACHE_HOME")) return std::filesystem::path(d) / "phiguard";
    if (const char* d = env("HOME")) return std::filesystem::path(d) / ".cache" / "phiguard";
    return std::nullopt;
}

}  // namespace phiguard::policy
