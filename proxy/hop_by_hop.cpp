#include "proxy/hop_by_hop.hpp"

#include <string>
#include <vector>

namespace phiguard::proxy {

void strip_hop_by_hop(http::fields& fields) {
    // Beast iterates in arrival order, and find()/equal_range() only reach
    // Connection lines that happen to be adjacent: walk every field instead.
    std::vector<std::string> named;
    for (const auto& f : fields) {
        if (f.name() != http::field::connection) continue;
        for (auto token : http::token_list(f.value())) named.emplace_back(token);
    }
    for (const auto& name : named) fields.erase(name);
    for (auto f :
         {http::field::connection, http::field::proxy_connection, http::field::keep_alive,
          http::field::te, http::field::trailer, http::field::transfer_encoding,
          http::field::upgrade, http::field::proxy_authorization, http::field::proxy_authenticate})
        fields.erase(f);
}

std::string websocket_upgrade(const http::fields& fields) {
    bool connection_upgrade = false;
    for (const auto& f : fields) {
        if (f.name() != http::field::connection) continue;
        for (auto token : http::token_list(f.value()))
            if (beast::iequals(token, "upgrade")) connection_upgrade = true;
    }
    if (!connection_upgrade) return {};
    auto const upgrade = fields[http::field::upgrade];
    for (auto token : http::token_list(upgrade))
        if (beast::iequals(token, "websocket")) return std::string(upgrade);
    return {};
}

void keep_upgrade(http::fields& fields, const std::string& upgrade) {
    fields.set(http::field::upgrade, upgrade);
    fields.set(http::field::connection, "Upgrade");
}

void add_via(http::fields& fields, unsigned version) {
    // Several Via lines form one list (RFC 9110 5.3); keep every earlier hop.
    std::string via;
    for (const auto& f : fields) {
        if (f.name() != http::field::via || f.value().empty()) continue;
        if (!via.empty()) via += ", ";
        via += f.value();
    }
    if (!via.empty()) via += ", ";
    via += version == 10 ? "1.0 phiguard" : "1.1 phiguard";
    fields.set(http::field::via, via);
}

}  // namespace phiguard::proxy
