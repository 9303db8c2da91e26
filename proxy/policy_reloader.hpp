#pragma once
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "proxy/beast.hpp"
#include "proxy/proxy_context.hpp"
#include "proxy/run_options.hpp"

namespace phiguard::proxy {

/// Builds policy generations: the first at start-up, then one per reload
/// (SIGHUP, or the policy file changing on disk). A reload validates and
/// compiles on a thread of its own, off the event loops, and swaps the new
/// generation in only if it is free of errors; otherwise the errors are
/// logged and the old generation stays in force. Listeners, limits and TLS
/// settings are read at start-up only.
class policy_reloader {
public:
    policy_reloader(net::io_context& control, std::shared_ptr<proxy_context> ctx,
                    run_options options);
    ~policy_reloader();

    /// Compiles generation 1 from the context's config; throws on failure.
    void build_initial();
    /// Starts watching the policy file (if any), the files it includes and its
    /// tracker lists for changes.
    void watch();
    /// Reload now (SIGHUP). Returns immediately; a reload already running
    /// makes this one wait for it.
    void reload(const std::string& why);
    void stop();

private:
    void schedule_poll();
    void run_reload(std::string why);
    /// Did a watched file change since the last poll? Files new to the list
    /// are only recorded: the load that added them has just read them.
    bool files_changed();
    void watch_files_of(const policy::policy_model& model);

    net::io_context& control_;
    net::steady_timer poll_timer_;
    std::shared_ptr<proxy_context> ctx_;
    run_options options_;
    std::mutex watch_mutex_;  ///< the poll runs on control_, reloads on compile_pool_
    std::vector<std::filesystem::path> watched_;
    /// What a file looked like at the last poll: modification time, inode and
    /// size, so a Kubernetes ConfigMap swap to an older timestamp still counts.
    struct file_stamp {
        std::int64_t mtime_ns = 0;
        std::uint64_t inode = 0, device = 0, size = 0;
        bool operator==(const file_stamp&) const = default;
    };
    std::map<std::filesystem::path, std::optional<file_stamp>> seen_;
    net::thread_pool compile_pool_{1};
    std::atomic<std::uint64_t> generation_{0};
};

}  // namespace phiguard::proxy
