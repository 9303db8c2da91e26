#include "e2e/support/command.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>

extern char** environ;

namespace phiguard::e2e {

int exit_code_of(int wait_status) {
    if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
    if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
    return -1;
}

namespace {

void close_fd(int& fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

}  // namespace

command_result run_command(const std::vector<std::string>& argv,
                           std::chrono::milliseconds timeout) {
    command_result result;
    int out_pipe[2];
    int err_pipe[2];
    // O_CLOEXEC: children spawned concurrently by other test threads must not hold our pipes
    // open, or we would never see end of file.
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) return result;
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        ::close(out_pipe[0]);
        ::close(out_pipe[1]);
        return result;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err_pipe[1], 2);

    std::vector<char*> args;
    for (auto const& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    int const rc = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    std::array<int, 2> fds{out_pipe[0], err_pipe[0]};
    if (rc != 0) {
        close_fd(fds[0]);
        close_fd(fds[1]);
        result.err = "posix_spawnp failed for " + argv.at(0);
        return result;
    }

    auto const end = std::chrono::steady_clock::now() + timeout;
    std::array<char, 65536> buf;
    while (fds[0] >= 0 || fds[1] >= 0) {
        auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(
            end - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        std::array<pollfd, 2> pfds{pollfd{fds[0], POLLIN, 0}, pollfd{fds[1], POLLIN, 0}};
        int const n = ::poll(pfds.data(), pfds.size(), static_cast<int>(left.count()));
        if (n < 0 && errno != EINTR) break;
        for (std::size_t i = 0; i < 2; ++i) {
            if (fds[i] < 0 || (pfds[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
            ssize_t const got = ::read(fds[i], buf.data(), buf.size());
            if (got > 0) {
                (i == 0 ? result.out : result.err).append(buf.data(), static_cast<size_t>(got));
            } else if (got == 0 || errno != EINTR) {
                close_fd(fds[i]);
            }
        }
    }
    close_fd(fds[0]);
    close_fd(fds[1]);
    // A child may close its outputs and keep running: reap it within the same deadline.
    int status = 0;
    for (;;) {
        pid_t const done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid || (done < 0 && errno != EINTR)) break;
        if (done == 0 && std::chrono::steady_clock::now() >= end) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            ::waitpid(pid, &status, 0);
            break;
        }
        ::usleep(2000);
    }
    result.exit_code = exit_code_of(status);
    return result;
}

}  // namespace phiguard::e2e
