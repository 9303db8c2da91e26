#include "policy/scan/detector_set.hpp"

#include <hs.h>

#include <atomic>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <stdexcept>

#include "policy/database_cache.hpp"
#include "policy/detect/context.hpp"
#include "policy/scan/scratch.hpp"

namespace phiguard::policy {
namespace {

std::atomic<std::uint64_t> next_generation{1};

// Non-alphanumerics as \xHH so any term or key is a literal to Hyperscan.
std::string escape_literal(const std::string& s, bool flexible_spaces) {
    std::string r;
    for (unsigned char c : s) {
        if (std::isalnum(c)) {
            r.push_back(static_cast<char>(c));
        } else if (c == ' ' && flexible_spaces) {
            r += "(?:[ _+\\-]|%20|%2520)";
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", c);
            r += buf;
        }
    }
    return r;
}

}  // namespace

detector_set::detector_set(detector_config config, detect::catalogue data)
    : config_(std::move(config)), catalogue_(std::move(data)) {}

detector_set::~detector_set() {
    if (db_) hs_free_database(db_);
    if (dict_db_) hs_free_database(dict_db_);
}

std::size_t detector_set::database_bytes() const noexcept {
    std::size_t total = 0;
    for (const hs_database_t* db : {db_, dict_db_}) {
        std::size_t n = 0;
        if (db && hs_database_size(db, &n) == HS_SUCCESS) total += n;
    }
    return total;
}

hs_scratch* detector_set::scratch() const {
    return thread_scratch(db_, dict_db_, generation_);
}

namespace {

struct pattern_list {
    std::vector<std::string> exprs;
    std::vector<unsigned> flags;
    std::vector<pattern_info>* info;

    void add(std::string e, unsigned f, pattern_info i) {
        exprs.push_back(std::move(e));
        flags.push_back(f);
        info->push_back(i);
    }

    /// Loads the database from the cache when these exact patterns were compiled before.
    hs_database_t* compile(const database_cache& cache, std::string_view kind,
                           bool& from_cache) const {
        if (exprs.empty()) return nullptr;
        std::uint64_t key = 0;
        if (cache.enabled()) {
            database_fingerprint f;
            for (std::size_t i = 0; i < exprs.size(); ++i) {
                f.mix(exprs[i]);
                f.mix(std::uint64_t{flags[i]});
            }
            key = f.value();
            if (auto hit = cache.load(kind, key)) {
                from_cache = true;
                return hit->db;
            }
        }
        from_cache = false;
        hs_database_t* db = compile_fresh();
        cache.store(kind, key, db);
        return db;
    }

    hs_database_t* compile_fresh() const {
        std::vector<const char*> cexprs;
        std::vector<unsigned> ids;
        for (std::size_t i = 0; i < exprs.size(); ++i) {
            cexprs.push_back(exprs[i].c_str());
            ids.push_back(static_cast<unsigned>(i));
        }
        hs_database_t* db = nullptr;
        hs_compile_error_t* err = nullptr;
        if (hs_compile_multi(cexprs.data(), flags.data(), ids.data(),
                             static_cast<unsigned>(cexprs.size()), HS_MODE_BLOCK, nullptr, &db,
                             &err) == HS_SUCCESS)
            return db;
        std::string what = "hyperscan: ";
        what += err ? err->message : "compile failed";
        if (err && err->expression >= 0) {
            const auto& bad = (*info)[static_cast<std::size_t>(err->expression)];
            what += bad.t == pattern_info::type::mrn_custom ? " in MRN pattern '" : " in pattern '";
            what += exprs[static_cast<std::size_t>(err->expression)];
            what += "'";
        }
        if (err) hs_free_compile_error(err);
        throw std::runtime_error(what);
    }
};

std::string key_pattern(const std::string& key, bool json_only) {
    const std::string k = escape_literal(key, false);
    const std::string json = "\"" + k + "\"\\s*:";
    return json_only ? json : "(?:" + json + "|[&?;.\\[]" + k + "\\]?=)";
}

}  // namespace

std::shared_ptr<const detector_set> detector_set::build(
    const detector_config& config, const std::optional<std::filesystem::path>& cache_dir) {
    std::shared_ptr<detector_set> set(new detector_set(config, detect::catalogue::build(config)));
    using T = pattern_info::type;
    const auto& cat = set->catalogue_;
    pattern_list main{{}, {}, &set->patterns_};
    pattern_list dict{{}, {}, &set->dict_};
    if (config.enabled("phi_key")) {
        for (std::uint32_t i = 0; i < cat.keys().size(); ++i)
            main.add(key_pattern(cat.keys()[i].key, cat.keys()[i].json_only), HS_FLAG_CASELESS,
                     {T::key, i, 0});
    }
    if (config.enabled("dictionary")) {
        // Appointment actions count on their own; the rest of the dictionary only under a
        // health key or patient words, so it is scanned only there.
        for (std::uint32_t i = 0; i < cat.terms().size(); ++i) {
            auto& list = cat.terms()[i].kind == "appointment" ? main : dict;
            list.add(escape_literal(cat.terms()[i].text, true), HS_FLAG_CASELESS, {T::term, i, 0});
        }
        for (std::uint32_t i = 0; i < cat.context_keys().size(); ++i)
            main.add(key_pattern(cat.context_keys()[i], false), HS_FLAG_CASELESS,
                     {T::context_key, i, 0});
    }
    for (const auto& w : detect::context_words())
        main.add(escape_literal(std::string(w.word), false), HS_FLAG_CASELESS,
                 {T::context, w.mask, 0});
    if (config.enabled("email")) main.add("@", 0, {T::email, 0, 1});
    if (config.enabled("base64")) {
        std::uint32_t i = 0;
        for (const char* lit : {"eyJ", "eyAi", "W3si", "WyJ"})
            main.add(lit, 0, {T::base64_json, i++, static_cast<std::uint32_t>(std::strlen(lit))});
    }
    if (config.enabled("provider_name")) main.add("Dr\\.? [A-Z]", 0, {T::doctor, 0, 0});
    if (config.enabled("mrn")) {
        main.add("mrn[-#:]? ?\\d{5}", HS_FLAG_CASELESS, {T::mrn, 0, 0});
        for (std::uint32_t i = 0; i < config.mrn_patterns.size(); ++i)
            main.add(config.mrn_patterns[i], HS_FLAG_SOM_LEFTMOST, {T::mrn_custom, i, 0});
    }
    const database_cache cache(cache_dir);
    bool main_cached = false, dict_cached = false;
    set->db_ = main.compile(cache, "detectors", main_cached);
    set->dict_db_ = dict.compile(cache, "dictionary", dict_cached);
    set->from_cache_ = main_cached && (dict_cached || !set->dict_db_);
    set->generation_ = next_generation++;
    return set;
}

}  // namespace phiguard::policy
