#include "policy/destinations/destination_catalog.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>

#include "policy/destinations/domain.hpp"
#include "policy/destinations/endpoint_glob.hpp"

namespace phiguard::policy {

namespace {

// The path the proxy sees, as it appears after the host in a URL.
std::string_view request_path(std::string_view target) {
    for (std::string_view scheme : {"http://", "https://"}) {
        if (target.size() >= scheme.size() &&
            std::equal(scheme.begin(), scheme.end(), target.begin(),
                       [](char a, char b) { return a == (b >= 'A' && b <= 'Z' ? b + 32 : b); })) {
            target.remove_prefix(scheme.size());
            const auto slash = target.find_first_of("/?");
            target = slash == std::string_view::npos ? std::string_view{} : target.substr(slash);
            break;
        }
    }
    return target;
}

}  // namespace

std::size_t destination_catalog::string_hash::operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
}

std::shared_ptr<const destination_catalog> destination_catalog::build(
    const catalog_config& config) {
    std::shared_ptr<destination_catalog> cat(new destination_catalog());

    std::size_t builtin_count = 0;
    if (config.builtin_vendors) {
        cat->vendors_ = parse_vendor_catalog(embedded::vendors(), "policy/data/vendors.yaml");
        builtin_count = cat->vendors_.size();
    }
    for (const auto& v : config.extra_vendors) {
        for (std::size_t i = 0; i < builtin_count; ++i) {
            if (cat->vendors_[i].id == v.id) {
                throw std::runtime_error("vendor id `" + v.id + "` is already in the catalogue");
            }
        }
        cat->vendors_.push_back(v);
    }

    // Index domains; a configured vendor may take a domain from a built-in one
    // (an administrator knows their contracts better), but two entries of one
    // source claiming a domain is a catalogue error.
    for (std::size_t i = 0; i < cat->vendors_.size(); ++i) {
        const vendor& v = cat->vendors_[i];
        const bool from_builtin = i < builtin_count;
        std::vector<std::pair<std::string, bool>> bare_domains;  // name, subdomains only
        for (const auto& d : v.domains) {
            const bool sub_only = d.starts_with("*.");
            const std::string bare = normalize_host(sub_only ? d.substr(2) : d);
            bare_domains.emplace_back(bare, sub_only);
            site& s = cat->site_for(bare);
            if (s.vendor >= 0 && s.vendor != static_cast<int>(i)) {
                const bool other_builtin = static_cast<std::size_t>(s.vendor) < builtin_count;
                if (other_builtin == from_builtin) {
                    throw std::runtime_error("domain `" + bare + "` is claimed by vendors `" +
                                             cat->vendors_[static_cast<std::size_t>(s.vendor)].id +
                                             "` and `" + v.id + '`');
                }
            }
            s.vendor = static_cast<int>(i);
            s.vendor_subdomains_only = sub_only;
        }
        for (const auto& e : v.endpoints) {
            const auto slash = e.find('/');
            const std::string path = e.substr(slash);
            if (slash == 0) {
                for (const auto& [d, sub_only] : bare_domains) {
                    cat->site_for(d).endpoints.push_back({path, static_cast<int>(i), sub_only});
                }
            } else {
                cat->site_for(normalize_host(e.substr(0, slash)))
                    .endpoints.push_back({path, static_cast<int>(i)});
            }
        }
    }

    // Lists: host rules join the domain index, the rest go to Hyperscan.
    list_database::input block_in, exception_in;
    block_in.flags = exception_in.flags = adblock_expression_flags();
    std::vector<std::size_t> rule_report;  // rules_ index -> reports_ index
    for (const auto& path : config.adblock_lists) {
        imported_list list = import_adblock_file(path);
        const std::size_t report_index = cat->reports_.size();
        cat->reports_.push_back(std::move(list.report));
        for (auto& r : list.rules) {
            const int rule_index = static_cast<int>(cat->rules_.size());
            cat->rules_.push_back({std::move(r.text), r.cat});
            rule_report.push_back(report_index);
            if (r.rule.k == adblock_rule::kind::host) {
                site& s = cat->site_for(r.rule.host);
                if (r.rule.exception) {
                    s.list_exception = true;
                } else if (s.list_rule < 0) {
                    s.list_rule = rule_index;
                }
            } else if (r.rule.exception) {
                exception_in.expressions.push_back(std::move(r.rule.expression));
                cat->exception_ids_.push_back({rule_index, std::move(r.rule.domain)});
            } else {
                block_in.expressions.push_back(std::move(r.rule.expression));
                cat->block_ids_.push_back({rule_index, std::move(r.rule.domain)});
            }
        }
    }

    auto compile = [&](const list_database::input& in, const std::vector<pattern_ref>& ids) {
        std::vector<std::size_t> rejected;
        auto db = list_database::build(in, config.cache_dir, rejected);
        for (auto pattern : rejected) {
            auto& report = cat->reports_[rule_report[static_cast<std::size_t>(ids[pattern].rule)]];
            --report.compiled;
            ++report.skipped["rejected by Hyperscan"];
        }
        return db;
    };
    cat->block_db_ = compile(block_in, cat->block_ids_);
    cat->exception_db_ = compile(exception_in, cat->exception_ids_);
    return cat;
}

const list_database_stats& destination_catalog::list_db_stats() const {
    return block_db_->stats();
}

const list_database_stats& destination_catalog::exception_db_stats() const {
    return exception_db_->stats();
}

struct destination_catalog::match_context {
    const std::vector<pattern_ref>* ids;
    std::string_view host;
};

// A `||host/path` rule compiled without its anchor matched somewhere; it counts
// only when the request host is that host or one of its subdomains.
bool destination_catalog::in_domain(unsigned id, const void* context) {
    const auto& ctx = *static_cast<const match_context*>(context);
    const std::string& domain = (*ctx.ids)[id].domain;
    return domain.empty() || domain_matches(ctx.host, domain);
}

destination destination_catalog::classify(std::string_view host, std::string_view target) const {
    destination d;
    d.host = normalize_host(host);
    d.registrable_domain = registrable_domain_normalized(d.host);

    // host + path?query is what list expressions see; a URL always has a path.
    thread_local std::string text;
    text.assign(1, list_scan_marker);
    text.append(d.host);
    const std::string_view raw_path = request_path(target);
    if (raw_path.empty() || raw_path.front() != '/') text += '/';
    text.append(raw_path);
    const std::string_view path = std::string_view(text).substr(1 + d.host.size());

    int domain_vendor = -1, endpoint_vendor = -1, list_rule = -1;
    bool excepted = false;
    const std::string_view h = d.host;
    // Longest suffix first: the most specific catalogue entry wins.
    for (std::size_t at = 0; at < h.size();) {
        const std::string_view suffix = h.substr(at);
        if (const auto it = sites_.find(suffix); it != sites_.end()) {
            const site& s = it->second;
            if (domain_vendor < 0 && s.vendor >= 0 && !(s.vendor_subdomains_only && at == 0)) {
                domain_vendor = s.vendor;
            }
            if (endpoint_vendor < 0) {
                for (const auto& e : s.endpoints) {
                    if (!(e.subdomains_only && at == 0) && endpoint_glob_matches(e.path, path)) {
                        endpoint_vendor = e.vendor;
                        break;
                    }
                }
            }
            if (list_rule < 0) list_rule = s.list_rule;
            excepted = excepted || s.list_exception;
        }
        const auto dot = h.find('.', at);
        if (dot == std::string_view::npos) break;
        at = dot + 1;
    }

    const bool need_scan = (list_rule < 0 && block_db_->stats().patterns > 0) ||
                           (list_rule >= 0 && !excepted && exception_db_->stats().patterns > 0);
    if (need_scan) {
        if (list_rule < 0) {
            const match_context ctx{&block_ids_, d.host};
            const long id = block_db_->first_match(text, &in_domain, &ctx);
            if (id >= 0) list_rule = block_ids_[static_cast<std::size_t>(id)].rule;
        }
        if (list_rule >= 0 && !excepted) {
            const match_context ctx{&exception_ids_, d.host};
            excepted = exception_db_->first_match(text, &in_domain, &ctx) >= 0;
        }
    }

    if (domain_vendor >= 0) {
        d.known = &vendors_[static_cast<std::size_t>(domain_vendor)];
    } else if (endpoint_vendor >= 0) {
        d.known = &vendors_[static_cast<std::size_t>(endpoint_vendor)];
    }
    d.collection_endpoint = endpoint_vendor >= 0;
    if (list_rule >= 0 && !excepted) {
        const rule_info& r = rules_[static_cast<std::size_t>(list_rule)];
        d.listed = true;
        d.list_rule = r.text;
        if (r.cat) d.cat = *r.cat;
    }
    if (d.known) d.cat = d.known->cat;
    return d;
}

}  // namespace phiguard::policy
