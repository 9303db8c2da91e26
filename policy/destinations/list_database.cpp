#include "policy/destinations/list_database.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <unistd.h>

namespace phiguard::policy {

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

// Cache key: FNV-1a over the Hyperscan version and every expression, so a
// changed list, flag or library upgrade never loads a stale database.
std::uint64_t fingerprint(const list_database::input& in) {
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](std::string_view s) {
        for (unsigned char c : s) {
            h ^= c;
            h *= 1099511628211ULL;
        }
        h ^= 0xff;
        h *= 1099511628211ULL;
    };
    mix(hs_version());
    mix(std::to_string(in.flags));
    for (const auto& e : in.expressions) mix(e);
    return h;
}

constexpr std::string_view magic = "phiguard-list-db-1\n";

struct scratch_holder {
    hs_scratch_t* scratch = nullptr;
    std::vector<std::uint64_t> ready;  // databases this scratch was grown for
    ~scratch_holder() {
        if (scratch) hs_free_scratch(scratch);
    }
};

std::atomic<std::uint64_t> next_id{1};

hs_database_t* compile(const list_database::input& in, std::vector<std::size_t>& rejected) {
    std::vector<std::size_t> live(in.expressions.size());
    for (std::size_t i = 0; i < live.size(); ++i) live[i] = i;
    for (;;) {
        std::vector<const char*> exprs;
        std::vector<unsigned> flags(live.size(), in.flags);
        std::vector<unsigned> ids;
        exprs.reserve(live.size());
        ids.reserve(live.size());
        for (auto i : live) {
            exprs.push_back(in.expressions[i].c_str());
            ids.push_back(static_cast<unsigned>(i));
        }
        if (exprs.empty()) return nullptr;
        hs_database_t* db = nullptr;
        hs_compile_error_t* err = nullptr;
        const hs_error_t rc = hs_compile_multi(exprs.data(), flags.data(), ids.data(),
                                               static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                                               nullptr, &db, &err);
        if (rc == HS_SUCCESS) return db;
        const int bad = err ? err->expression : -1;
        const std::string message = err ? err->message : "unknown error";
        hs_free_compile_error(err);
        if (bad < 0)
            throw std::runtime_error("hyperscan: cannot compile list database: " + message);
        rejected.push_back(live[static_cast<std::size_t>(bad)]);
        live.erase(live.begin() + bad);
    }
}

}  // namespace

std::shared_ptr<const list_database> list_database::build(
    const input& in, const std::optional<std::filesystem::path>& cache_dir,
    std::vector<std::size_t>& rejected) {
    std::shared_ptr<list_database> out(new list_database());
    out->id_ = next_id++;
    out->stats_.patterns = in.expressions.size();
    if (in.expressions.empty()) return out;

    const auto t0 = clock_type::now();
    std::filesystem::path cache_file;
    if (cache_dir) {
        char name[64];
        std::snprintf(name, sizeof name, "phiguard-list-%016llx.hsdb",
                      static_cast<unsigned long long>(fingerprint(in)));
        cache_file = *cache_dir / name;
        std::ifstream f(cache_file, std::ios::binary);
        if (f) {
            std::stringstream buf;
            buf << f.rdbuf();
            const std::string blob = buf.str();
            // Layout: magic, count of rejected ids, the ids, then the serialised database.
            std::istringstream head(blob);
            std::string m(magic.size(), '\0');
            head.read(m.data(), static_cast<std::streamsize>(m.size()));
            std::size_t n = 0;
            std::vector<std::size_t> cached_rejected;
            if (m == magic && (head >> n) && n <= in.expressions.size()) {
                for (std::size_t i = 0; i < n; ++i) {
                    std::size_t v = 0;
                    if (head >> v) cached_rejected.push_back(v);
                }
                head.get();  // the newline after the ids
                const auto off = static_cast<std::size_t>(head.tellg());
                hs_database_t* db = nullptr;
                if (head && cached_rejected.size() == n && off <= blob.size() &&
                    hs_deserialize_database(blob.data() + off, blob.size() - off, &db) ==
                        HS_SUCCESS) {
                    out->db_ = db;
                    rejected.insert(rejected.end(), cached_rejected.begin(), cached_rejected.end());
                    out->stats_.from_cache = true;
                }
            }
        }
    }
    if (!out->db_) {
        std::vector<std::size_t> fresh;
        out->db_ = compile(in, fresh);
        rejected.insert(rejected.end(), fresh.begin(), fresh.end());
        if (out->db_ && cache_dir) {
            char* bytes = nullptr;
            std::size_t length = 0;
            if (hs_serialize_database(out->db_, &bytes, &length) == HS_SUCCESS) {
                std::error_code ec;
                std::filesystem::create_directories(*cache_dir, ec);
                // Write beside and rename, so a concurrent reader never sees half a file.
                const auto tmp = cache_file.string() + ".tmp" + std::to_string(::getpid()) + '-' +
                                 std::to_string(next_id++);
                {
                    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
                    f << magic << fresh.size();
                    for (auto v : fresh) f << ' ' << v;
                    f << '\n';
                    f.write(bytes, static_cast<std::streamsize>(length));
                }
                std::filesystem::rename(tmp, cache_file, ec);
                if (ec) std::filesystem::remove(tmp, ec);
                std::free(bytes);
            }
        }
    }
    out->stats_.build_ms = ms_since(t0);
    if (out->db_) hs_database_size(out->db_, &out->stats_.bytes);
    out->stats_.patterns = in.expressions.size() - rejected.size();
    return out;
}

list_database::~list_database() {
    if (db_) hs_free_database(db_);
}

namespace {

thread_local scratch_holder tls_scratch;

struct match_state {
    list_database::accept_fn accept;
    const void* context;
    long found = -1;
};

int on_match(unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
    auto& state = *static_cast<match_state*>(ctx);
    if (state.accept && !state.accept(id, state.context)) return 0;
    state.found = static_cast<long>(id);
    return 1;  // the first listed rule is enough to name the destination
}

}  // namespace

long list_database::first_match(std::string_view text, accept_fn accept,
                                const void* context) const {
    if (!db_) return -1;
    // Scratch only ever grows, so once grown for this database it stays valid.
    // Keyed by id, not address: a freed database's address may be reused.
    auto& holder = tls_scratch;
    const auto known = std::find(holder.ready.begin(), holder.ready.end(), id_);
    if (known == holder.ready.end()) {
        if (hs_alloc_scratch(db_, &holder.scratch) != HS_SUCCESS) {
            throw std::runtime_error("hyperscan: cannot allocate scratch");
        }
        if (holder.ready.size() > 64) holder.ready.clear();
        holder.ready.push_back(id_);
    }
    match_state state{accept, context};
    const hs_error_t rc = hs_scan(db_, text.data(), static_cast<unsigned>(text.size()), 0,
                                  holder.scratch, on_match, &state);
    if (rc != HS_SUCCESS && rc != HS_SCAN_TERMINATED) {
        throw std::runtime_error("hyperscan: scan failed");
    }
    return state.found;
}

}  // namespace phiguard::policy
