#pragma once
#include <memory>
#include <optional>
#include <vector>

#include "proxy/inspection.hpp"
#include "proxy/request_target.hpp"
#include "proxy/session.hpp"
#include "proxy/upstream_connect.hpp"

namespace phiguard::proxy {

/// One proxied request and its response. The request head is rewritten for
/// the origin (origin-form target, Host, hop-by-hop fields out, Via in), then
/// head and body stream to the origin through a 16 KiB buffer, and the
/// response streams back the same way: memory per request is bounded whatever
/// the body sizes. Errors before the response starts become a 502/504 that
/// names the cause; after that the client connection is closed, since a
/// half-sent response cannot be repaired.
class forward_exchange : public std::enable_shared_from_this<forward_exchange> {
public:
    forward_exchange(std::shared_ptr<session> s, request_target target);
    void run();

private:
    // Policy (forward_inspect.cpp): hold the body when the verdict may
    // depend on it, then block, or log and forward.
    void start_hold();
    void on_hold_continue_sent(error_code ec, std::size_t bytes);
    void do_hold_read();
    void on_hold_read(error_code ec, std::size_t bytes);
    void on_over_limit();
    void conclude(const policy::verdict& v);
    void block(const policy::verdict& v);
    void alert(const policy::verdict& v, const std::string& incident);
    void count_scan();

    void prepare_request();
    void acquire(bool allow_pooled);
    void on_connected(connect_result result);
    void do_write_head();
    void on_write_head(error_code ec, std::size_t bytes);
    void on_continue_sent(error_code ec, std::size_t bytes);
    void do_read_request_body();
    void on_read_request_body(error_code ec, std::size_t bytes);
    void do_write_request_body();
    void on_write_request_body(error_code ec, std::size_t bytes);
    void do_read_response_head();
    void on_read_response_head(error_code ec, std::size_t bytes);
    void do_write_response_head();
    void on_write_response_head(error_code ec, std::size_t bytes);
    void do_read_response_body();
    void on_read_response_body(error_code ec, std::size_t bytes);
    void do_write_response_body();
    void on_write_response_body(error_code ec, std::size_t bytes);
    void finish();
    bool can_retry(error_code ec) const;
    void fail(http::status status, const std::string& message);
    void abort();

    std::shared_ptr<session> session_;
    request_target target_;
    upstream_target upstream_;
    std::unique_ptr<upstream_conn> up_;
    std::optional<http::request_serializer<http::buffer_body>> req_sr_;
    std::optional<http::response_parser<http::buffer_body>> res_parser_;
    std::optional<http::response_serializer<http::buffer_body>> res_sr_;
    // Body relay buffer, sized to what the message needs (up to 16 KiB) on
    // first use: most exchanges carry a small body or none, and with a
    // thousand connections in flight a fixed 16 KiB each was most of the RSS.
    std::vector<char> buf_;
    void size_relay_buffer(const http::fields& message);
    void on_switching_protocols();
    std::string upgrade_;  ///< the WebSocket Upgrade value asked for, else empty
    std::optional<inspection> inspect_;
    std::string held_;            ///< request body held for the scan
    bool holding_ = false;        ///< held_ is what the origin gets first
    bool held_complete_ = false;  ///< held_ is the whole body
    bool expect_continue_ = false;
    bool body_sent_ = false;  ///< some request body bytes went upstream
    bool retried_ = false;
    bool client_keep_alive_ = true;
    bool response_has_body_ = false;
};

}  // namespace phiguard::proxy
