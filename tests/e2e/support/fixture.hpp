#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "e2e/support/origin.hpp"

namespace phiguard::e2e {

/// The name tests give the origin; the proxy learns its address only through --resolve.
inline constexpr std::string_view origin_host = "origin.test";

/// `run --listen 127.0.0.1:0 --no-intercept` followed by `extra`. Issue 3's CONNECT is a byte
/// tunnel; TLS interception (which needs a CA on disk) has tests of its own.
std::vector<std::string> base_args(std::vector<std::string> extra = {});
/// base_args() plus `--resolve origin.test:PORT:127.0.0.1`, then `extra`.
std::vector<std::string> pinned_args(const origin& o, std::vector<std::string> extra = {});
/// "http://origin.test:PORT" + path_and_query.
std::string origin_url(const origin& o, std::string_view path_and_query);
/// The absolute-form request head line for the origin: "METHOD http://origin.test:PORT/path
/// HTTP/1.1\r\nHost: origin.test:PORT\r\n" (no blank line, so callers add fields).
std::string request_start(const origin& o, std::string_view method, std::string_view path);

}  // namespace phiguard::e2e
