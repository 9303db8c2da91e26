#include "proxy/local_reply.hpp"

namespace phiguard::proxy {

http::response<http::string_body> local_reply(http::status status, const std::string& text,
                                              unsigned version, bool keep_alive) {
    http::response<http::string_body> res{status, version == 10 ? 10u : 11u};
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.body() = "phiguard: " + text + "\n";
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

}  // namespace phiguard::proxy
