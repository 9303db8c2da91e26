#pragma once
#include <string>

#include "proxy/beast.hpp"

namespace phiguard::proxy {

/// Removes the headers that describe one connection rather than the message
/// (RFC 9110 7.6.1): Connection and every field it names, Proxy-Connection,
/// Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-Authorization,
/// Proxy-Authenticate. Framing is re-derived by the serializer afterwards.
void strip_hop_by_hop(http::fields& fields);

/// The Upgrade value when the message asks for a WebSocket upgrade (Upgrade
/// names websocket and Connection lists upgrade), else empty. Other upgrades
/// (h2c, TLS) are never passed on: what follows them could not be inspected.
std::string websocket_upgrade(const http::fields& fields);

/// Puts the upgrade back after strip_hop_by_hop removed it with the other
/// connection headers: it is the one hop-by-hop request we relay.
void keep_upgrade(http::fields& fields, const std::string& upgrade);

/// Appends our hop to Via.
void add_via(http::fields& fields, unsigned version);

}  // namespace phiguard::proxy
