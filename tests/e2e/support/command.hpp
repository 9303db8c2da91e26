#pragma once
#include <chrono>
#include <string>
#include <vector>

namespace phiguard::e2e {

/// What a finished child process left behind.
struct command_result {
    /// Exit status; 128 + signal number when killed by a signal; -1 when it could not start.
    int exit_code = -1;
    /// True when the timeout expired and the child was killed.
    bool timed_out = false;
    std::string out;
    std::string err;
};

/// Runs argv[0] (looked up in PATH, no shell) with stdin from /dev/null, capturing stdout and
/// stderr; kills it with SIGKILL after `timeout`.
command_result run_command(const std::vector<std::string>& argv, std::chrono::milliseconds timeout);

/// Turns a wait status into command_result::exit_code's convention.
int exit_code_of(int wait_status);

}  // namespace phiguard::e2e
