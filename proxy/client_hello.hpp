#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace phiguard::proxy {

/// What the first bytes after CONNECT say about the TLS handshake to come.
struct client_hello_result {
    enum class status {
        need_more,  ///< a valid prefix of a ClientHello; read more and call again
        ok,         ///< a complete ClientHello; sni and alpn are filled in
        not_tls,    ///< not a TLS ClientHello (or one larger than we inspect)
    };
    status st = status::need_more;
    std::optional<std::string> sni;  ///< host_name from server_name, if sent
    std::vector<std::string> alpn;   ///< protocols offered, in client order
};

/// Largest ClientHello handshake message we inspect; real ones are a few KiB.
inline constexpr std::size_t max_client_hello = 32 * 1024;

/// Parses the bytes received so far (from the first byte of the connection).
/// Pure, no I/O; the ClientHello may span several TLS records. Never reads
/// outside bytes.
client_hello_result parse_client_hello(std::span<const std::uint8_t> bytes);

}  // namespace phiguard::proxy
