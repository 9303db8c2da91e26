#pragma once
// The request every connection sends, built once: the URL split into what the
// CONNECT line, the TLS SNI and the request line need.
#include <optional>
#include <string>

#include "options.hpp"

namespace phiguard::loadgen {

struct target {
    bool tls = false;
    std::string host;       // as written in the URL (name or IP literal, no brackets)
    std::string authority;  // host:port for CONNECT and Host
    std::string port;
    std::string request;  // the whole request, head and body, ready to write
};

// nullopt (with a message on stderr) when the URL is not http(s)://host[:port]/path.
std::optional<target> make_target(const options& o);

}  // namespace phiguard::loadgen
