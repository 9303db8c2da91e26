#pragma once
#include <array>
#include <memory>
#include <string>

#include "proxy/access_log.hpp"
#include "proxy/flex_stream.hpp"
#include "proxy/proxy_context.hpp"
#include "proxy/upstream_pool.hpp"
#include "proxy/worker.hpp"

namespace phiguard::proxy {

/// Bytes copied both ways unchanged until both sides have finished or the
/// tunnel sits idle past upstream.tunnel_idle_timeout; one half-close is
/// passed on as a half-close. Serves a CONNECT that is not intercepted and a
/// WebSocket connection after its 101 (the greeting is what the client gets
/// first: "200 Connection established", or the 101 head and any bytes the
/// origin sent after it).
class tunnel : public std::enable_shared_from_this<tunnel>, public drainable {
public:
    tunnel(worker& home, std::shared_ptr<const proxy_context> ctx, flex_stream client,
           std::unique_ptr<upstream_conn> upstream, std::string greeting, std::string early_bytes,
           access_record record);
    ~tunnel() override;

    void run();
    void drain() override {}  // a tunnel has no request boundary: it ends at the deadline
    void abort() override { close(); }

private:
    struct direction {
        flex_stream* from;
        flex_stream* to;
        std::array<char, 16384> buf{};
        std::uint64_t bytes = 0;
        bool done = false;
    };

    void on_established(error_code ec, std::size_t bytes);
    void do_read(direction& d);
    void on_read(direction& d, error_code ec, std::size_t bytes);
    void on_write(direction& d, error_code ec, std::size_t bytes);
    void finish_direction(direction& d);
    void close();

    worker& home_;
    std::shared_ptr<const proxy_context> ctx_;
    flex_stream client_;
    std::unique_ptr<upstream_conn> upstream_;
    std::string greeting_;
    std::string early_;
    access_record record_;
    direction up_;    ///< client -> origin
    direction down_;  ///< origin -> client
    bool closed_ = false;
};

}  // namespace phiguard::proxy
