#include "e2e/support/fixture.hpp"

namespace phiguard::e2e {

std::vector<std::string> base_args(std::vector<std::string> extra) {
    std::vector<std::string> args{"run", "--listen", "127.0.0.1:0", "--no-intercept"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::vector<std::string> pinned_args(const origin& o, std::vector<std::string> extra) {
    auto args = base_args(
        {"--resolve", std::string(origin_host) + ":" + std::to_string(o.port()) + ":127.0.0.1"});
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

std::string origin_url(const origin& o, std::string_view path_and_query) {
    return "http://" + std::string(origin_host) + ":" + std::to_string(o.port()) +
           std::string(path_and_query);
}

std::string request_start(const origin& o, std::string_view method, std::string_view path) {
    auto const authority = std::string(origin_host) + ":" + std::to_string(o.port());
    return std::string(method) + " http://" + authority + std::string(path) +
           " HTTP/1.1\r\nHost: " + authority + "\r\n";
}

}  // namespace phiguard::e2e
