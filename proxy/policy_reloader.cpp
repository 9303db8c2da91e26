#include "proxy/policy_reloader.hpp"

#include <malloc.h>
#include <sys/stat.h>

#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "policy/config/loader.hpp"
#include "policy/decision/compile.hpp"
#include "policy/engine.hpp"
#include "policy/scan/detector_set.hpp"

namespace phiguard::proxy {
namespace {

// Compiling allocates far more than the result keeps (Hyperscan's compiler,
// parsed lists) and glibc keeps freed pages in the thread's arena; hand them
// back so they do not stay resident for the proxy's whole life.
void release_compile_garbage() {
    malloc_trim(0);
}

const char* loaded_how(const policy::engine& e) {
    return e.detectors()->from_cache() ? "loaded from the database cache" : "compiled";
}

}  // namespace

policy_reloader::policy_reloader(net::io_context& control, std::shared_ptr<proxy_context> ctx,
                                 run_options options)
    : control_(control), poll_timer_(control), ctx_(std::move(ctx)), options_(std::move(options)) {
    watch_files_of(ctx_->cfg.policy);
    files_changed();
}

policy_reloader::~policy_reloader() {
    stop();
}

void policy_reloader::stop() {
    poll_timer_.cancel();
    compile_pool_.join();
}

void policy_reloader::build_initial() {
    // The same compile-and-validate as check-config and reload: a policy those
    // would reject (a tracker that is also a BAA vendor) must not start either.
    const bool monitor = ctx_->cfg.mode == policy::config::enforcement::monitor;
    auto compiled =
        policy::compile_policy(ctx_->cfg.policy, monitor, ++generation_, policy::today_utc(),
                               options_.config_file.value_or("<embedded default policy>"));
    for (const auto& d : compiled.diagnostics) {
        if (d.level == policy::diagnostic::severity::error)
            std::fprintf(stderr, "%s\n", d.to_string().c_str());
        else
            spdlog::warn("{}", d.to_string());
    }
    if (!compiled.ok()) throw std::runtime_error("the policy has errors; not starting");
    ctx_->policies.install(compiled.built);
    const double ms = compiled.compile_ms;
    compiled = {};
    release_compile_garbage();
    ctx_->stats.reload(true, generation_.load());
    spdlog::info("policy generation {} {} in {:.0f} ms ({} mode)", generation_.load(),
                 loaded_how(*ctx_->policies.current()), ms, monitor ? "monitor" : "enforce");
}

void policy_reloader::watch_files_of(const policy::policy_model& model) {
    if (!options_.config_file) return;
    std::vector<std::filesystem::path> files{*options_.config_file};
    files.insert(files.end(), model.included_files.begin(), model.included_files.end());
    files.insert(files.end(), model.catalog.adblock_lists.begin(),
                 model.catalog.adblock_lists.end());
    std::lock_guard lock(watch_mutex_);
    watched_ = std::move(files);
}

bool policy_reloader::files_changed() {
    std::lock_guard lock(watch_mutex_);
    bool changed = false;
    std::map<std::filesystem::path, std::optional<file_stamp>> now;
    for (const auto& file : watched_) {
        std::optional<file_stamp> stamp;
        if (struct stat st{}; ::stat(file.c_str(), &st) == 0)
            stamp = file_stamp{st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec, st.st_ino,
                               st.st_dev, static_cast<std::uint64_t>(st.st_size)};
        // A file caught missing mid-save is not a change; its return is.
        if (auto it = seen_.find(file); stamp && it != seen_.end() && it->second != stamp)
            changed = true;
        now[file] = stamp;
    }
    seen_ = std::move(now);
    return changed;
}

void policy_reloader::watch() {
    if (options_.config_file) schedule_poll();
}

void policy_reloader::schedule_poll() {
    // Polling the file's mtime catches editors' rename-over-write and
    // Kubernetes ConfigMap symlink swaps alike, which inotify on the file
    // itself would miss.
    poll_timer_.expires_after(std::chrono::seconds(1));
    poll_timer_.async_wait([this](error_code ec) {
        if (ec) return;
        if (files_changed()) reload("policy file changed");
        schedule_poll();
    });
}

void policy_reloader::reload(const std::string& why) {
    net::post(compile_pool_, [this, why] { run_reload(why); });
}

void policy_reloader::run_reload(std::string why) {
    if (!options_.config_file) {
        spdlog::info("reload ({}): running on the embedded policy; nothing to reload", why);
        return;
    }
    // Note the files as they are before reading them, so the next poll does
    // not load this very edit a second time (SIGHUP after an edit); an edit
    // landing between this and the read costs one more reload, never a miss.
    files_changed();
    auto loaded = policy::load_config_file(*options_.config_file);
    apply_run_options(options_, loaded.cfg);
    // Even a rejected policy names the files to watch: fixing an included
    // file must trigger the next attempt.
    watch_files_of(loaded.cfg.policy);
    if (!loaded.ok()) {
        for (const auto& d : loaded.diagnostics) spdlog::error("reload: {}", d.to_string());
        spdlog::error("reload ({}) rejected: the policy has errors; generation {} stays in force",
                      why, generation_.load());
        ctx_->stats.reload(false, generation_.load());
        return;
    }
    auto next = generation_.load() + 1;
    auto compiled = policy::compile_policy(loaded.cfg.policy,
                                           loaded.cfg.mode == policy::config::enforcement::monitor,
                                           next, policy::today_utc(), *options_.config_file);
    for (const auto& d : compiled.diagnostics) {
        if (d.level == policy::diagnostic::severity::error)
            spdlog::error("reload: {}", d.to_string());
        else
            spdlog::warn("reload: {}", d.to_string());
    }
    if (!compiled.ok()) {
        spdlog::error("reload ({}) rejected: the policy has errors; generation {} stays in force",
                      why, generation_.load());
        ctx_->stats.reload(false, generation_.load());
        return;
    }
    ctx_->policies.install(compiled.built);
    const double ms = compiled.compile_ms;
    const char* how = loaded_how(*compiled.built);
    compiled = {};
    release_compile_garbage();
    generation_ = next;
    ctx_->stats.reload(true, next);
    spdlog::info("reload ({}): policy generation {} in force, {} in {:.0f} ms", why, next, how, ms);
}

}  // namespace phiguard::proxy
