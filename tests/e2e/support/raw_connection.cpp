#include "e2e/support/raw_connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace phiguard::e2e {

namespace {

using clock = std::chrono::steady_clock;

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
}

int remaining_ms(clock::time_point end) {
    auto const left = std::chrono::duration_cast<std::chrono::milliseconds>(end - clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

raw_connection::raw_connection(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    auto const addr = loopback(port);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        int const err = errno;
        ::close(fd_);
        fd_ = -1;
        throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) +
                                 " failed: " + std::strerror(err));
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

raw_connection::~raw_connection() {
    if (fd_ >= 0) ::close(fd_);
}

bool raw_connection::send(std::string_view bytes) {
    while (!bytes.empty()) {
        ssize_t const n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool raw_connection::fill(std::chrono::milliseconds timeout) {
    if (eof_) return false;
    pollfd pfd{fd_, POLLIN, 0};
    int const ready = ::poll(&pfd, 1, static_cast<int>(timeout.count()));
    if (ready <= 0) return false;
    std::array<char, 65536> buf;
    ssize_t const n = ::recv(fd_, buf.data(), buf.size(), 0);
    if (n > 0) {
        buffer_.append(buf.data(), static_cast<std::size_t>(n));
        return true;
    }
    if (n < 0 && errno == EINTR) return true;
    eof_ = true;  // orderly close or reset: either way the peer is gone
    return false;
}

std::optional<http_reply> raw_connection::read_response(std::chrono::milliseconds timeout,
                                                        bool head_request) {
    auto const end = clock::now() + timeout;
    for (;;) {
        std::size_t consumed = 0;
        if (auto reply = parse_reply(buffer_, head_request, eof_, consumed)) {
            buffer_.erase(0, consumed);
            return reply;
        }
        if (eof_ || remaining_ms(end) == 0) return std::nullopt;
        fill(std::chrono::milliseconds(remaining_ms(end)));
    }
}

bool raw_connection::read_until(std::string_view needle, std::chrono::milliseconds timeout) {
    auto const end = clock::now() + timeout;
    for (;;) {
        if (buffer_.find(needle) != std::string::npos) return true;
        if (eof_ || remaining_ms(end) == 0) return false;
        fill(std::chrono::milliseconds(remaining_ms(end)));
    }
}

bool raw_connection::wait_closed(std::chrono::milliseconds timeout) {
    auto const end = clock::now() + timeout;
    while (!eof_ && remaining_ms(end) > 0) fill(std::chrono::milliseconds(remaining_ms(end)));
    return eof_;
}

bool raw_connection::readable_within(std::chrono::milliseconds timeout) {
    if (eof_) return true;
    pollfd pfd{fd_, POLLIN, 0};
    return ::poll(&pfd, 1, static_cast<int>(timeout.count())) > 0;
}

void raw_connection::shutdown_write() {
    ::shutdown(fd_, SHUT_WR);
}

std::string raw_exchange(std::uint16_t port, std::string_view bytes,
                         std::chrono::milliseconds timeout) {
    raw_connection conn(port);
    conn.send(bytes);
    conn.wait_closed(timeout);
    return conn.received();
}

bool connect_refused(std::uint16_t port) {
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    auto const addr = loopback(port);
    bool const refused =
        ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 &&
        errno == ECONNREFUSED;
    ::close(fd);
    return refused;
}

std::uint16_t closed_port() {
    int const fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket() failed");
    auto addr = loopback(0);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("bind to 127.0.0.1:0 failed");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace phiguard::e2e
