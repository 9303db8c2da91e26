#include "policy/destinations/domain.hpp"

#include <libpsl.h>

#include <memory>
#include <unordered_map>

namespace phiguard::policy {

namespace {

struct psl_deleter {
    void operator()(psl_ctx_t* p) const { psl_free(p); }
};

// The Debian `publicsuffix` text file parsed by libpsl answers 2.3x faster than
// the DAFSA form psl_latest() picks; fall back to that, then to libpsl's own copy.
const psl_ctx_t* psl() {
    static const std::unique_ptr<psl_ctx_t, psl_deleter> ctx{[] {
        psl_ctx_t* p = psl_load_file("/usr/share/publicsuffix/public_suffix_list.dat");
        return p ? p : psl_latest(nullptr);
    }()};
    return ctx ? ctx.get() : psl_builtin();
}

bool is_ip_literal(std::string_view h) {
    if (h.find(':') != std::string_view::npos) return true;
    return !h.empty() && h.find_first_not_of("0123456789.") == std::string_view::npos;
}

}  // namespace

std::string normalize_host(std::string_view host) {
    if (host.starts_with('[')) {
        const auto close = host.find(']');
        host = host.substr(1, close == std::string_view::npos ? host.size() - 1 : close - 1);
    } else if (const auto colon = host.find(':');
               colon != std::string_view::npos &&
               host.find(':', colon + 1) == std::string_view::npos) {
        host = host.substr(0, colon);
    }
    while (!host.empty() && host.back() == '.') host.remove_suffix(1);
    std::string out(host);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

namespace {

std::string lookup_registrable(const std::string& h) {
    if (h.empty() || is_ip_literal(h) || h.find('.') == std::string::npos) return h;
    const char* reg = psl_registrable_domain(psl(), h.c_str());
    return reg ? std::string(reg) : std::string();
}

// libpsl answers in 0.3-0.7 µs per suffix probe here, more than the rest of a
// classification, while a proxy sees the same few thousand hosts again and
// again. Each thread remembers recent answers in two generations: a full
// generation becomes the old one, so memory stays bounded and hot hosts survive.
class registrable_memo {
public:
    const std::string& get(const std::string& host) {
        if (auto it = current_.find(host); it != current_.end()) return it->second;
        if (current_.size() >= capacity) {
            previous_ = std::move(current_);
            current_.clear();
        }
        if (auto it = previous_.find(host); it != previous_.end()) {
            return current_.emplace(host, it->second).first->second;
        }
        return current_.emplace(host, lookup_registrable(host)).first->second;
    }

private:
    static constexpr std::size_t capacity = 16384;
    std::unordered_map<std::string, std::string> current_, previous_;
};

}  // namespace

std::string registrable_domain_normalized(const std::string& host) {
    thread_local registrable_memo memo;
    return memo.get(host);
}

std::string registrable_domain(std::string_view host) {
    return registrable_domain_normalized(normalize_host(host));
}

bool same_site(std::string_view host, std::span<const std::string> first_party_domains) {
    const std::string site = registrable_domain(host);
    if (site.empty()) return false;
    for (const auto& fp : first_party_domains) {
        if (registrable_domain(fp) == site) return true;
    }
    return false;
}

bool domain_matches(std::string_view host, std::string_view pattern) {
    const bool subdomains_only = pattern.starts_with("*.");
    if (subdomains_only) pattern.remove_prefix(2);
    if (pattern.empty() || host.size() < pattern.size()) return false;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    const std::size_t offset = host.size() - pattern.size();
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (lower(host[offset + i]) != lower(pattern[i])) return false;
    }
    if (offset == 0) return !subdomains_only;
    return host[offset - 1] == '.';
}

}  // namespace phiguard::policy
