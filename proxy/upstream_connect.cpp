#include "proxy/upstream_connect.hpp"

#include "proxy/upstream_tls.hpp"

namespace phiguard::proxy {

upstream_connect::upstream_connect(io_executor ex, std::shared_ptr<const proxy_context> ctx,
                                   upstream_target target, handler done)
    : ctx_(std::move(ctx)),
      target_(std::move(target)),
      plan_(ctx_->rules.plan(target_.host, target_.port)),
      done_(std::move(done)),
      resolver_(ex),
      conn_(std::make_unique<upstream_conn>(flex_stream(tcp_stream(ex)), target_.pool_key())) {}

void upstream_connect::run() {
    if (plan_.address) {
        // --resolve pinned the name: no DNS.
        error_code ec;
        auto address = net::ip::make_address(*plan_.address, ec);
        if (ec) return fail(http::status::bad_gateway, "invalid pinned address " + *plan_.address);
        return do_connect({tcp::endpoint(address, plan_.port)});
    }
    do_resolve();
}

void upstream_connect::do_resolve() {
    resolver_.async_resolve(
        plan_.host, std::to_string(plan_.port),
        beast::bind_front_handler(&upstream_connect::on_resolve, shared_from_this()));
}

void upstream_connect::on_resolve(error_code ec, tcp::resolver::results_type results) {
    if (ec || results.empty())
        return fail(http::status::bad_gateway, "could not resolve host " + plan_.host);
    std::vector<tcp::endpoint> permitted;
    std::string refused;
    for (const auto& entry : results) {
        auto address = entry.endpoint().address();
        std::array<std::uint8_t, 16> bytes{};
        if (address.is_v4()) {
            bytes = net::ip::make_address_v6(net::ip::v4_mapped, address.to_v4()).to_bytes();
        } else {
            bytes = address.to_v6().to_bytes();
        }
        if (ctx_->rules.permitted(bytes, plan_.pinned))
            permitted.push_back(entry.endpoint());
        else
            refused = address.to_string();
    }
    if (permitted.empty())
        return fail(http::status::forbidden,
                    "destination " + plan_.host + " resolves to " + refused +
                        ", a loopback, private or link-local address; refused (see "
                        "--allow-upstream)");
    do_connect(std::move(permitted));
}

void upstream_connect::do_connect(std::vector<tcp::endpoint> endpoints) {
    // Pinned literals skip on_resolve, so the guard is applied here too.
    if (!plan_.pinned) {
        for (const auto& ep : endpoints) {
            auto address = ep.address();
            auto bytes =
                address.is_v4()
                    ? net::ip::make_address_v6(net::ip::v4_mapped, address.to_v4()).to_bytes()
                    : address.to_v6().to_bytes();
            if (!ctx_->rules.permitted(bytes, false))
                return fail(http::status::forbidden,
                            "destination " + address.to_string() +
                                " is a loopback, private or link-local address; refused (see "
                                "--allow-upstream)");
        }
    }
    auto& stream = conn_->stream.tcp();
    stream.expires_after(ctx_->run().upstream.connect_timeout);
    stream.async_connect(
        endpoints, beast::bind_front_handler(&upstream_connect::on_connect, shared_from_this()));
}

void upstream_connect::on_connect(error_code ec, const tcp::endpoint&) {
    auto where = plan_.host + ":" + std::to_string(plan_.port);
    if (ec == beast::error::timeout)
        return fail(http::status::gateway_timeout, "connecting to " + where + " timed out");
    if (ec == net::error::connection_refused)
        return fail(http::status::bad_gateway, "connection refused by " + where);
    if (ec)
        return fail(http::status::bad_gateway,
                    "could not connect to " + where + ": " + ec.message());
    error_code ignored;
    conn_->stream.tcp().socket().set_option(tcp::no_delay(true), ignored);
    if (target_.tls) return do_handshake();
    succeed();
}

void upstream_connect::do_handshake() {
    if (!ctx_->upstream_tls)
        return fail(http::status::bad_gateway, "no TLS client configuration for https origins");
    start_upstream_tls(conn_->stream, *ctx_->upstream_tls, target_.host);
    conn_->stream.tcp().expires_after(ctx_->run().upstream.connect_timeout);
    conn_->stream.tls().async_handshake(
        net::ssl::stream_base::client,
        beast::bind_front_handler(&upstream_connect::on_handshake, shared_from_this()));
}

void upstream_connect::on_handshake(error_code ec) {
    if (ec == beast::error::timeout)
        return fail(http::status::gateway_timeout,
                    "TLS handshake with " + target_.host + " timed out");
    if (ec)
        return fail(http::status::bad_gateway,
                    describe_upstream_tls_failure(conn_->stream, target_.host, ec));
    succeed();
}

void upstream_connect::fail(http::status status, std::string message) {
    connect_result result;
    result.status = status;
    result.message = std::move(message);
    done_(std::move(result));
}

void upstream_connect::succeed() {
    connect_result result;
    result.conn = std::move(conn_);
    done_(std::move(result));
}

}  // namespace phiguard::proxy
