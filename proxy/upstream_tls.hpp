#pragma once
#include <string>

#include "proxy/beast.hpp"
#include "proxy/flex_stream.hpp"

namespace phiguard::proxy {
namespace tls {
class client_context;
}

/// Wraps an origin connection in TLS with SNI and host-name verification.
void start_upstream_tls(flex_stream& stream, tls::client_context& ctx, const std::string& host);

/// What the client is told when the origin's TLS fails: names the cause
/// (expired, self-signed, wrong host, unknown CA) rather than hiding it.
std::string describe_upstream_tls_failure(flex_stream& stream, const std::string& host,
                                          error_code ec);

}  // namespace phiguard::proxy
