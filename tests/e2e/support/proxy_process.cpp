#include "e2e/support/proxy_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <doctest/doctest.h>

#include "e2e/support/command.hpp"
#include "e2e/support/deadline.hpp"

extern char** environ;

namespace phiguard::e2e {

std::string phiguard_binary() {
    char const* other = std::getenv("PHIGUARD_E2E_BINARY");
    return other != nullptr && *other != '\0' ? other : PHIGUARD_BINARY;
}

proxy_process::proxy_process(std::vector<std::string> args, std::vector<std::string> extra_env,
                             std::chrono::milliseconds ready_timeout) {
    std::vector<std::string> argv{phiguard_binary()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> cargs;
    for (auto const& a : argv) cargs.push_back(const_cast<char*>(a.c_str()));
    cargs.push_back(nullptr);
    std::vector<char*> env;
    for (char** e = environ; *e != nullptr; ++e) env.push_back(*e);
    for (auto& e : extra_env) env.push_back(e.data());
    env.push_back(nullptr);

    auto const out = dir_.file("stdout.txt");
    auto const err = dir_.file("stderr.txt");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int const rc = ::posix_spawn(&pid_, cargs[0], &actions, nullptr, cargs.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot spawn " + argv[0]);

    bool const ready = wait_until(
        [&] {
            scan_ports();
            return !ports_.empty() || !running();
        },
        ready_timeout);
    if (ports_.empty()) {
        // The destructor does not run when the constructor throws: reap the child here.
        if (!exit_code_) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            exit_code_ = exit_code_of(status);
        }
        std::string why = ready ? "exited before listening" : "did not announce a port in time";
        if (exit_code_) why += " (exit code " + std::to_string(*exit_code_) + ")";
        throw std::runtime_error("phiguard " + why + "; stderr:\n" + stderr_text());
    }
}

proxy_process::~proxy_process() {
    if (pid_ > 0 && !exit_code_) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    // In the sanitizer build, a report anywhere in the proxy's life fails the
    // test that ran it, even when the test's own checks happened to pass.
    auto const err = stderr_text();
    for (const char* marker :
         {"ERROR: AddressSanitizer", "ERROR: LeakSanitizer", ": runtime error: "}) {
        if (auto at = err.find(marker); at != std::string::npos) {
            std::string const report =
                "sanitizer report in phiguard's stderr:\n" + err.substr(at, 6000);
            FAIL_CHECK(report);
            break;
        }
    }
}

void proxy_process::scan_ports() {
    // "listening on ADDR:PORT" lines; the port follows the last ':' of the address token.
    auto const text = stderr_text();
    constexpr std::string_view marker = "listening on ";
    std::vector<std::uint16_t> found;
    for (auto at = text.find(marker); at != std::string::npos; at = text.find(marker, at + 1)) {
        auto const start = at + marker.size();
        auto const stop = text.find_first_of(" \n", start);
        auto const token = text.substr(start, stop == std::string::npos ? stop : stop - start);
        auto const colon = token.rfind(':');
        if (colon == std::string::npos || colon + 1 >= token.size()) continue;
        auto const digits = token.substr(colon + 1);
        if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
        found.push_back(static_cast<std::uint16_t>(std::stoul(digits)));
    }
    ports_ = std::move(found);
}

std::vector<std::uint16_t> proxy_process::ports(std::size_t count,
                                                std::chrono::milliseconds timeout) {
    wait_until(
        [&] {
            scan_ports();
            return ports_.size() >= count;
        },
        timeout);
    return ports_;
}

std::string proxy_process::url() const {
    return "http://127.0.0.1:" + std::to_string(port());
}

void proxy_process::signal(int sig) {
    if (pid_ > 0 && !exit_code_) ::kill(pid_, sig);
}

bool proxy_process::running() {
    if (exit_code_) return false;
    int status = 0;
    pid_t const r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
        exit_code_ = exit_code_of(status);
        return false;
    }
    return r == 0;
}

std::optional<int> proxy_process::wait_exit(std::chrono::milliseconds timeout) {
    wait_until([&] { return !running(); }, timeout, std::chrono::milliseconds(5));
    return exit_code_;
}

std::string proxy_process::stderr_text() const {
    return read_file_text(dir_.file("stderr.txt"));
}

std::string proxy_process::stdout_text() const {
    return read_file_text(dir_.file("stdout.txt"));
}

long proxy_process::rss_kib() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    std::string key;
    for (int i = 0; i < 200 && status >> key; ++i) {
        if (key == "VmRSS:") {
            long kib = -1;
            status >> kib;
            return kib;
        }
        status.ignore(4096, '\n');
    }
    return -1;
}

}  // namespace phiguard::e2e
