#include "proxy/admin_server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <vector>

namespace phiguard::proxy {
namespace {

// Probes and scrapes are tiny; anything bigger or slower is not a monitoring system.
constexpr std::size_t header_limit = 4096;
constexpr std::size_t max_connections = 64;
constexpr unsigned max_requests_per_connection = 100;
constexpr auto io_timeout = std::chrono::seconds(5);

class admin_session;

}  // namespace

struct admin_server::state {
    state(net::io_context& io, handlers h)
        : ioc(io), acceptor(io), backoff(io), calls(std::move(h)) {}

    net::io_context& ioc;
    tcp::acceptor acceptor;
    net::steady_timer backoff;
    const handlers calls;
    std::atomic<std::size_t> active{0};
    std::mutex mutex;  // guards sessions: close() may come from another thread
    std::vector<std::weak_ptr<admin_session>> sessions;
    bool closed = false;
};

namespace {

using response = http::response<http::string_body>;

response reply(const http::request<http::empty_body>& req, const admin_server::handlers& calls) {
    response res;
    res.version(req.version());
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    auto const method = req.method();
    auto target = req.target();
    target = target.substr(0, target.find('?'));
    try {
        if (method != http::verb::get && method != http::verb::head) {
            res.result(http::status::method_not_allowed);
            res.set(http::field::allow, "GET, HEAD");
            res.body() = "method not allowed\n";
        } else if (target == "/healthz") {
            res.result(http::status::ok);
            res.body() = "ok\n";
        } else if (target == "/readyz") {
            bool const ready = calls.ready && calls.ready();
            res.result(ready ? http::status::ok : http::status::service_unavailable);
            res.body() = ready ? "ready\n" : "not ready\n";
        } else if (target == "/metrics") {
            res.result(http::status::ok);
            res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
            res.body() = calls.metrics_text ? calls.metrics_text() : std::string();
        } else {
            res.result(http::status::not_found);
            res.body() = "not found\n";
        }
    } catch (const std::exception& e) {
        spdlog::error("admin {}: {}", std::string(target), e.what());
        res.result(http::status::internal_server_error);
        res.body() = "internal error\n";
    }
    res.prepare_payload();
    if (method == http::verb::head) res.body().clear();  // Content-Length stays the GET's
    return res;
}

/// One admin connection, in the Beast example shape: read a head, answer, repeat.
class admin_session : public std::enable_shared_from_this<admin_session> {
public:
    admin_session(tcp::socket socket, std::shared_ptr<admin_server::state> st)
        : stream_(std::move(socket)), state_(std::move(st)) {}
    ~admin_session() { state_->active.fetch_sub(1); }

    void run() {
        net::dispatch(stream_.get_executor(),
                      beast::bind_front_handler(&admin_session::do_read, shared_from_this()));
    }

    /// Safe from any thread: the close runs on the session's strand.
    void close() {
        net::post(stream_.get_executor(), [self = shared_from_this()] { self->do_close(); });
    }

private:
    void do_read() {
        parser_.emplace();
        parser_->header_limit(header_limit);
        stream_.expires_after(io_timeout);
        http::async_read(stream_, buffer_, *parser_,
                         beast::bind_front_handler(&admin_session::on_read, shared_from_this()));
    }

    void on_read(error_code ec, std::size_t) {
        // end_of_stream is a client done with us; anything else (timeout, oversized head, a
        // body) ends the connection without a word, as a probe never does that.
        if (ec) return do_close();
        res_ = reply(parser_->get(), state_->calls);
        bool const again = res_.keep_alive() && ++served_ < max_requests_per_connection;
        if (!again) res_.keep_alive(false);
        stream_.expires_after(io_timeout);
        http::async_write(stream_, res_,
                          beast::bind_front_handler(&admin_session::on_write, shared_from_this()));
    }

    void on_write(error_code ec, std::size_t) {
        if (ec || !res_.keep_alive()) return do_close();
        do_read();
    }

    void do_close() {
        error_code ignored;
        stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
        stream_.close();
    }

    beast::tcp_stream stream_;
    beast::flat_buffer buffer_{header_limit * 2};
    std::optional<http::request_parser<http::empty_body>> parser_;
    response res_;
    std::shared_ptr<admin_server::state> state_;
    unsigned served_ = 0;
};

void do_accept(const std::shared_ptr<admin_server::state>& st);

void on_accept(const std::shared_ptr<admin_server::state>& st, error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !st->acceptor.is_open()) return;
    if (ec) {
        // Out of descriptors or similar: pause instead of spinning on the error.
        spdlog::warn("admin accept failed: {}", ec.message());
        st->backoff.expires_after(std::chrono::milliseconds(100));
        st->backoff.async_wait([st](error_code e) {
            if (!e) do_accept(st);
        });
        return;
    }
    if (st->active.fetch_add(1) >= max_connections) {
        st->active.fetch_sub(1);
        error_code ignored;
        socket.close(ignored);
        return do_accept(st);
    }
    auto session = std::make_shared<admin_session>(std::move(socket), st);
    {
        std::lock_guard lock(st->mutex);
        if (st->closed) return;  // the session's destructor closes the socket
        std::erase_if(st->sessions, [](const auto& w) { return w.expired(); });
        st->sessions.push_back(session);
    }
    session->run();
    do_accept(st);
}

void do_accept(const std::shared_ptr<admin_server::state>& st) {
    st->acceptor.async_accept(net::make_strand(st->ioc), [st](error_code ec, tcp::socket s) {
        on_accept(st, ec, std::move(s));
    });
}

std::string shown(const tcp::endpoint& ep) {
    auto const a = ep.address();
    return (a.is_v6() ? "[" + a.to_string() + "]" : a.to_string()) + ":" +
           std::to_string(ep.port());
}

}  // namespace

admin_server::admin_server(net::io_context& ioc, const tcp::endpoint& endpoint,
                           std::function<bool()> ready, std::function<std::string()> metrics_text)
    : endpoint_(endpoint),
      state_(std::make_shared<state>(ioc, handlers{std::move(ready), std::move(metrics_text)})) {}

admin_server::~admin_server() {
    close();
}

void admin_server::open() {
    try {
        auto& a = state_->acceptor;
        a.open(endpoint_.protocol());
        a.set_option(net::socket_base::reuse_address(true));
        a.bind(endpoint_);
        a.listen(net::socket_base::max_listen_connections);
    } catch (const boost::system::system_error& e) {
        error_code ignored;
        state_->acceptor.close(ignored);
        throw std::runtime_error("cannot listen for admin on " + shown(endpoint_) + ": " +
                                 e.code().message());
    }
    spdlog::info("admin listener on {}", shown(local_endpoint()));
}

tcp::endpoint admin_server::local_endpoint() const {
    return state_->acceptor.local_endpoint();
}

void admin_server::run() {
    do_accept(state_);
}

void admin_server::close() {
    std::vector<std::weak_ptr<admin_session>> live;
    {
        std::lock_guard lock(state_->mutex);
        if (state_->closed) return;
        state_->closed = true;
        live.swap(state_->sessions);
    }
    error_code ignored;
    state_->acceptor.close(ignored);
    state_->backoff.cancel();
    for (auto& w : live)
        if (auto s = w.lock()) s->close();
}

}  // namespace phiguard::proxy
