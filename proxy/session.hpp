#pragma once
#include <memory>
#include <optional>
#include <string>

#include "proxy/access_log.hpp"
#include "proxy/beast.hpp"
#include "proxy/flex_stream.hpp"
#include "proxy/proxy_context.hpp"
#include "proxy/request_target.hpp"
#include "proxy/upstream_connect.hpp"
#include "proxy/worker.hpp"

namespace phiguard::proxy {

using request_parser = http::request_parser<http::buffer_body>;

/// One client connection, from accept to close: reads each request head under
/// strict limits, refuses malformed ones, and hands well-formed requests to a
/// forward_exchange (absolute-form) or to CONNECT handling. After an
/// intercepted CONNECT the same loop reads the decrypted requests, so plain
/// and HTTPS traffic share one pipeline.
class session : public std::enable_shared_from_this<session>, public drainable {
public:
    session(tcp_socket&& socket, worker& home, std::shared_ptr<const proxy_context> ctx);
    ~session() override;

    void run();
    void drain() override;
    void abort() override;

    // What a forward_exchange works with while it owns the request.
    flex_stream& client() { return client_; }
    beast::flat_buffer& buffer() { return buffer_; }
    request_parser& parser() { return *parser_; }
    worker& home() { return home_; }
    const std::shared_ptr<const proxy_context>& ctx() const { return ctx_; }
    access_record& record() { return record_; }

    /// The exchange finished; keep_alive says whether the connection can
    /// carry another request.
    void exchange_done(bool keep_alive);
    /// The connection stops carrying HTTP: the client stream, with the bytes
    /// it sent after the current head, and the upstream become a tunnel that
    /// first sends the client `greeting`. The session ends here.
    void become_tunnel(std::unique_ptr<upstream_conn> upstream, std::string greeting);
    /// Answers the current request ourselves (errors, refusals).
    void reply(http::status status, const std::string& text, bool keep_alive);

private:
    void start_head();
    void do_read_head();
    void on_read_head(error_code ec, std::size_t bytes);
    void on_head(std::size_t head_size);
    void route_request();
    std::optional<request_target> target_of_request();
    void on_reply_written(bool keep_alive, error_code ec, std::size_t bytes);
    void next_request(bool keep_alive);
    void close();

    // CONNECT (session_connect.cpp)
    void handle_connect(const request_target& target);
    void on_connect_upstream(request_target target, connect_result result);
    bool should_intercept(const request_target& target) const;
    /// The policy's word on a tunnel it cannot see into; false = refused.
    bool admit_tunnel(const request_target& target);

    // TLS interception (session_intercept.cpp)
    void start_intercept(const request_target& target);
    void on_established(error_code ec, std::size_t bytes);
    void do_peek_hello();
    void on_peek_hello(error_code ec, std::size_t bytes);
    void do_tls_handshake();
    void on_tls_handshake(error_code ec, std::size_t used);
    void graceful_close();

    worker& home_;
    std::shared_ptr<const proxy_context> ctx_;
    flex_stream client_;
    beast::flat_buffer buffer_;
    std::optional<request_parser> parser_;
    std::shared_ptr<http::response<http::string_body>> reply_;
    access_record record_;
    std::string client_address_;
    std::size_t scanned_ = 0;    ///< head bytes already searched for the blank line
    bool waiting_idle_ = false;  ///< keep-alive wait, nothing of a new request yet
    bool closed_ = false;
    bool moved_out_ = false;  ///< the client stream now belongs to a tunnel
    /// Set once a CONNECT is intercepted: the origin every decrypted request
    /// on this connection goes to.
    std::optional<request_target> intercepted_;
};

}  // namespace phiguard::proxy
