#pragma once
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace phiguard::e2e {

/// The phiguard binary path: $PHIGUARD_E2E_BINARY when set (to run the suite against another
/// build, e.g. a sanitized one), else the build's own PHIGUARD_BINARY.
std::string phiguard_binary();

/// The real phiguard binary (phiguard_binary()) as a child process, with stdout and stderr
/// captured to files in a private temp dir. Construction returns once stderr has announced
/// `listening on HOST:PORT`; the destructor SIGKILLs and reaps a child still running.
/// How long `run` may take to announce its port (or fail after compiling), and a reload to
/// be logged: compiling the default policy took 15 s on the loaded 2-core CI machine, and
/// longer under the sanitizers.
inline constexpr std::chrono::seconds policy_compile_limit{90};

class proxy_process {
public:
    /// Spawns `phiguard args...` with this process's environment plus `extra_env`
    /// ("NAME=value" entries) and waits up to `ready_timeout` for the first listening line;
    /// throws std::runtime_error (with the captured stderr) if it exits or stays silent.
    explicit proxy_process(std::vector<std::string> args, std::vector<std::string> extra_env = {},
                           std::chrono::milliseconds ready_timeout = policy_compile_limit);
    ~proxy_process();
    proxy_process(const proxy_process&) = delete;
    proxy_process& operator=(const proxy_process&) = delete;

    /// The first announced port.
    std::uint16_t port() const { return ports_.at(0); }
    /// Every port announced so far (waits up to `timeout` until there are at least `count`).
    std::vector<std::uint16_t> ports(std::size_t count = 1,
                                     std::chrono::milliseconds timeout = std::chrono::seconds(10));
    /// "http://127.0.0.1:PORT", for curl -x.
    std::string url() const;
    pid_t pid() const { return pid_; }

    void signal(int sig);
    /// Exit code (128 + signal when killed by one) once the child has ended within `timeout`.
    std::optional<int> wait_exit(std::chrono::milliseconds timeout);
    bool running();

    std::string stderr_text() const;
    std::string stdout_text() const;
    /// Resident set size from /proc/PID/status in KiB, or -1 when unavailable.
    long rss_kib() const;
    /// The temp dir that holds the captured output; tests may put configs and logs there.
    const temp_dir& dir() const { return dir_; }

private:
    void scan_ports();

    temp_dir dir_;
    pid_t pid_ = -1;
    std::optional<int> exit_code_;
    std::vector<std::uint16_t> ports_;
};

}  // namespace phiguard::e2e
