#pragma once
#include <string>

#include "proxy/beast.hpp"

namespace phiguard::proxy {

/// A response phiguard writes itself (errors, refusals): plain text that
/// names the cause, starting "phiguard: ", so people and scripts can tell our
/// answers from an origin's.
http::response<http::string_body> local_reply(http::status status, const std::string& text,
                                              unsigned version, bool keep_alive);

}  // namespace phiguard::proxy
