#include "proxy/hop_by_hop.hpp"

#include <string>
#include <vector>

namespace phiguard::proxy {

void strip_hop_by_hop(http::fields& fields) {
    std::vector<std::string> named;
    for (auto it = fields.find(http::field::connection);
         it != fields.end() && it->name() == http::field::connection; ++it) {
        for (auto token : http::token_list(it->value())) named.emplace_back(token);
    }
    for (const auto& name : named) fields.erase(name);
    for (auto f :
         {http::field::connection, http::field::proxy_connection, http::field::keep_alive,
          http::field::te, http::field::trailer, http::field::transfer_encoding,
          http::field::upgrade, http::field::proxy_authorization, http::field::proxy_authenticate})
        fields.erase(f);
}

void add_via(http::fields& fields, unsigned version) {
    std::string hop = version == 10 ? "1.0 phiguard" : "1.1 phiguard";
    auto existing = fields[http::field::via];
    fields.set(http::field::via, existing.empty() ? hop : std::string(existing) + ", " + hop);
}

}  // namespace phiguard::proxy
