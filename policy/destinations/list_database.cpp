#include "policy/destinations/list_database.hpp"

#include "policy/database_cache.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <sstream>
#include <stdexcept>

namespace phiguard::policy {

namespace {

using clock_type = std::chrono::steady_clock;

double ms_since(clock_type::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

// Everything that shapes the database: a changed list, flag or library upgrade never loads a
// stale one.
std::uint64_t fingerprint(const list_database::input& in) {
    database_fingerprint f;
    f.mix(std::uint64_t{in.flags});
    for (const auto& e : in.expressions) f.mix(e);
    return f.value();
}

// The cache note: the indices Hyperscan rejected, so a cached load reports them too.
std::string rejected_note(const std::vector<std::size_t>& rejected) {
    std::string note;
    for (auto v : rejected) note += std::to_string(v) + ' ';
    return note;
}

std::optional<std::vector<std::size_t>> parse_rejected(const std::string& note,
                                                       std::size_t expressions) {
    std::vector<std::size_t> out;
    std::istringstream in(note);
    std::size_t v = 0;
    while (in >> v) {
        if (v >= expressions) return std::nullopt;
        out.push_back(v);
    }
    if (!in.eof()) return std::nullopt;
    return out;
}

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
    const database_cache cache(cache_dir);
    const std::uint64_t key = cache.enabled() ? fingerprint(in) : 0;
    if (auto hit = cache.load("list", key)) {
        if (auto cached_rejected = parse_rejected(hit->note, in.expressions.size())) {
            out->db_ = hit->db;
            rejected.insert(rejected.end(), cached_rejected->begin(), cached_rejected->end());
            out->stats_.from_cache = true;
        } else {
            hs_free_database(hit->db);
        }
    }
    if (!out->db_) {
        std::vector<std::size_t> fresh;
        out->db_ = compile(in, fresh);
        rejected.insert(rejected.end(), fresh.begin(), fresh.end());
        cache.store("list", key, out->db_, rejected_note(fresh));
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
