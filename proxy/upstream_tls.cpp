#include "proxy/upstream_tls.hpp"

#include "proxy/tls/client_context.hpp"

namespace phiguard::proxy {

void start_upstream_tls(flex_stream& stream, tls::client_context& ctx, const std::string& host) {
    stream.start_tls(ctx.native());
    tls::client_context::prepare(stream.tls().native_handle(), host);
}

std::string describe_upstream_tls_failure(flex_stream& stream, const std::string& host,
                                          error_code ec) {
    auto* ssl = stream.tls().native_handle();
    if (SSL_get_verify_result(ssl) != X509_V_OK)
        return "TLS certificate of " + host + " refused: " + tls::describe_verify_failure(ssl);
    return "TLS handshake with " + host + " failed: " + ec.message();
}

}  // namespace phiguard::proxy
