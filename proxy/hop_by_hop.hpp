#pragma once
#include "proxy/beast.hpp"

namespace phiguard::proxy {

/// Removes the headers that describe one connection rather than the message
/// (RFC 9110 7.6.1): Connection and every field it names, Proxy-Connection,
/// Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-Authorization,
/// Proxy-Authenticate. Framing is re-derived by the serializer afterwards.
void strip_hop_by_hop(http::fields& fields);

/// Appends our hop to Via.
void add_via(http::fields& fields, unsigned version);

}  // namespace phiguard::proxy
