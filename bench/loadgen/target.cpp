#include "target.hpp"

#include <cstdio>

namespace phiguard::loadgen {
namespace {

// A form body of benign fields, so a scanning proxy does real work on every byte.
std::string form_body(std::size_t size) {
    static constexpr std::string_view field = "comment=the+quick+brown+fox+jumps+over&";
    std::string body;
    body.reserve(size);
    while (body.size() < size) body.append(field.substr(0, size - body.size()));
    return body;
}

}  // namespace

std::optional<target> make_target(const options& o) {
    std::string_view url = o.url;
    target t;
    if (url.starts_with("https://")) {
        t.tls = true;
        url.remove_prefix(8);
    } else if (url.starts_with("http://")) {
        url.remove_prefix(7);
    } else {
        std::fprintf(stderr, "loadgen: --url must start with http:// or https://\n");
        return std::nullopt;
    }
    auto const slash = url.find('/');
    std::string_view authority = url.substr(0, slash);
    std::string path = slash == std::string_view::npos ? "/" : std::string(url.substr(slash));
    std::string port = t.tls ? "443" : "80";
    if (authority.starts_with('[')) {
        auto const close = authority.find(']');
        if (close == std::string_view::npos) {
            std::fprintf(stderr, "loadgen: unterminated IPv6 literal in --url\n");
            return std::nullopt;
        }
        t.host = std::string(authority.substr(1, close - 1));
        if (close + 1 < authority.size() && authority[close + 1] == ':')
            port = std::string(authority.substr(close + 2));
    } else {
        auto const colon = authority.rfind(':');
        t.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port = std::string(authority.substr(colon + 1));
    }
    if (t.host.empty() || port.empty()) {
        std::fprintf(stderr, "loadgen: --url has no host or port\n");
        return std::nullopt;
    }
    bool const ipv6 = t.host.find(':') != std::string::npos;
    t.authority = (ipv6 ? "[" + t.host + "]" : t.host) + ":" + port;
    // Inside a tunnel (or straight to the origin) the request is in origin form; to the
    // proxy itself in absolute form.
    t.port = port;
    bool const origin_form = t.tls || o.direct;
    std::string const request_target =
        origin_form ? path : "http://" + std::string(authority) + path;
    std::string const body = form_body(o.body_size);
    t.request = o.method + " " + request_target + " HTTP/1.1\r\nHost: " + std::string(authority) +
                "\r\nUser-Agent: phiguard-loadgen\r\nAccept: */*\r\n";
    for (auto const& h : o.headers) t.request += h + "\r\n";
    if (o.method == "POST" || !body.empty())
        t.request += "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n";
    t.request += "\r\n" + body;
    return t;
}

}  // namespace phiguard::loadgen
