// Destination classification benchmark (issue 5, "Measured in bench/").
//
// Generates a deterministic set of realistic request URLs (tracker collection
// calls shaped like the real ones, hosts from EasyPrivacy, and first-party and
// unrelated site traffic), loads the built-in vendor catalogue plus Debian's
// EasyPrivacy, and times destination_catalog::classify() per URL. It then runs
// bench/ghostery/classify.mjs (npm @ghostery/adblocker, same list, same URL file)
// and prints both side by side, with how often the two agree.
//
//   cmake --build build --target bench_classify_bench
//   npm --prefix bench/ghostery ci             # once, for the comparison
//   build/bench/bench_classify_bench [--urls N] [--list FILE] [--out DIR] [--no-node]
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "bench/percentile.hpp"
#include "policy/destinations/adblock_import.hpp"
#include "policy/destinations/destination_catalog.hpp"

namespace fs = std::filesystem;
using phiguard::bench::percentile;
using namespace phiguard::policy;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr std::string_view default_list =
    "/usr/share/chromium/extensions/ublock-origin/assets/thirdparties/easylist/easyprivacy.txt";

double ms_since(clock_type::time_point t0) {
    return std::chrono::duration<double, std::milli>(clock_type::now() - t0).count();
}

class url_maker {
public:
    explicit url_maker(std::vector<std::string> list_hosts) : list_hosts_(std::move(list_hosts)) {}

    std::string next() {
        const unsigned roll = pick(100);
        if (roll < 35) return vendor_call();
        if (roll < 50 && !list_hosts_.empty()) return listed_host_call();
        if (roll < 75) return first_party_call();
        return other_site_call();
    }

private:
    unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }
    template <std::size_t N>
    std::string_view any(const std::array<std::string_view, N>& a) {
        return a[pick(N)];
    }
    std::string digits(int n) {
        std::string s;
        for (int i = 0; i < n; ++i) s += static_cast<char>('0' + pick(10));
        return s;
    }
    std::string hex(int n) {
        std::string s;
        for (int i = 0; i < n; ++i) s += "0123456789abcdef"[pick(16)];
        return s;
    }
    static std::string encode(std::string_view s) {
        std::string out;
        for (unsigned char c : s) {
            if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
                out += static_cast<char>(c);
            } else {
                char buf[4];
                std::snprintf(buf, sizeof buf, "%%%02X", c);
                out += buf;
            }
        }
        return out;
    }

    std::string portal_page() {
        static constexpr std::array<std::string_view, 8> pages{
            "/find-a-doctor/results?specialty=cardiology&zip=",
            "/appointments/confirm?type=new-patient&date=2026-12-",
            "/conditions/type-2-diabetes?ref=",
            "/locations/north-clinic?utm_source=google&utm_campaign=",
            "/patient-portal/messages?id=",
            "/billing/pay?invoice=",
            "/services/oncology/breast-cancer?page=",
            "/about-us?section="};
        return "https://portal.examplehealth.org" + std::string(any(pages)) + digits(5);
    }

    std::string vendor_call() {
        const std::string dl = encode(portal_page());
        switch (pick(14)) {
            case 0:
                return "https://www.facebook.com/tr/?id=" + digits(15) + "&ev=PageView&dl=" + dl +
                       "&rl=&if=false&ts=" + digits(13) + "&sw=1920&sh=1080&v=2.9.170&r=stable";
            case 1:
                return "https://region1.google-analytics.com/g/collect?v=2&tid=G-" + hex(10) +
                       "&gtm=45je4b20v9&_p=" + digits(10) + "&cid=" + digits(10) + '.' +
                       digits(10) + "&ul=en-us&sr=1920x1080&_s=1&sid=" + digits(10) +
                       "&sct=1&seg=0&dl=" + dl + "&dt=Find%20a%20Doctor&en=page_view";
            case 2:
                return "https://www.googletagmanager.com/gtag/js?id=G-" + hex(10) + "&l=dataLayer";
            case 3:
                return "https://connect.facebook.net/en_US/fbevents.js";
            case 4:
                return "https://bat.bing.com/action/0?ti=" + digits(8) + "&Ver=2&mid=" + hex(8) +
                       '-' + hex(4) + "&evt=pageLoad&p=" + dl + "&r=&lt=" + digits(3);
            case 5:
                return "https://px.ads.linkedin.com/collect/?pid=" + digits(7) +
                       "&fmt=gif&url=" + dl + "&time=" + digits(13);
            case 6:
                return "https://analytics.tiktok.com/api/v2/pixel";
            case 7:
                return "https://ct.pinterest.com/v3/?tid=" + digits(13) +
                       "&event=pagevisit&cb=" + digits(13) + "&pd=" + encode(R"({"np":"gtm"})");
            case 8:
                return "https://stats.g.doubleclick.net/g/collect?v=2&tid=G-" + hex(10) +
                       "&cid=" + digits(10) + "&dl=" + dl;
            case 9:
                return "https://static.hotjar.com/c/hotjar-" + digits(7) + ".js?sv=6";
            case 10:
                return "https://www.clarity.ms/tag/" + hex(10);
            case 11:
                return "https://api.segment.io/v1/t";
            case 12:
                return "https://ad.doubleclick.net/activity;src=" + digits(7) +
                       ";type=lead;cat=appt;ord=" + digits(12) + '?';
            default:
                return "https://tr.snapchat.com/p?pid=" + hex(8) + "&ev=PAGE_VIEW&pl=" + dl;
        }
    }

    std::string listed_host_call() {
        static constexpr std::array<std::string_view, 6> paths{
            "/collect?id=", "/pixel.gif?cb=", "/js/tag.js?v=", "/track?e=pv&u=", "/", "/beacon?s="};
        std::string host = list_hosts_[pick(static_cast<unsigned>(list_hosts_.size()))];
        if (pick(3) == 0) host = "www." + host;
        return "https://" + host + std::string(any(paths)) + digits(6);
    }

    std::string first_party_call() {
        static constexpr std::array<std::string_view, 6> hosts{
            "portal.examplehealth.org", "www.examplehealth.org", "mychart.examplehealth.org",
            "static.examplehealth.org", "api.examplehealth.org", "images.examplehealth.org"};
        static constexpr std::array<std::string_view, 8> paths{"/static/js/main.",
                                                               "/api/v1/appointments?patient=",
                                                               "/css/site.",
                                                               "/images/providers/dr-",
                                                               "/api/v2/slots?clinic=",
                                                               "/fonts/inter-",
                                                               "/find-a-doctor/results?page=",
                                                               "/"};
        std::string path(any(paths));
        if (path.ends_with('.'))
            path += hex(8) + (pick(2) ? ".js" : ".css");
        else if (path.ends_with('-'))
            path += digits(4) + ".jpg";
        else
            path += digits(6);
        return "https://" + std::string(any(hosts)) + path;
    }

    std::string other_site_call() {
        static constexpr std::array<std::string_view, 16> words{
            "acme",  "river", "northwind", "contoso", "fabrikam", "blue",   "summit", "harbor",
            "maple", "cedar", "pioneer",   "lumen",   "atlas",    "orchid", "vertex", "meadow"};
        static constexpr std::array<std::string_view, 8> tlds{"com",    "org", "net", "co.uk",
                                                              "com.au", "de",  "io",  "health"};
        static constexpr std::array<std::string_view, 6> subs{"www", "cdn", "static",
                                                              "api", "img", "assets"};
        static constexpr std::array<std::string_view, 6> paths{
            "/products/",    "/search?q=blood+pressure+monitor&page=", "/assets/app.",
            "/v1/items?id=", "/blog/2026/11/healthy-habits-",          "/images/hero-"};
        std::string host = std::string(any(subs)) + '.' + std::string(any(words)) +
                           std::string(any(words)) + '.' + std::string(any(tlds));
        return "https://" + host + std::string(any(paths)) + digits(6);
    }

    std::mt19937_64 rng_{20261124};
    std::vector<std::string> list_hosts_;
};

struct split_url {
    std::string_view host, target;
};

split_url split(std::string_view url) {
    const auto scheme = url.find("://");
    const auto host_start = scheme == std::string_view::npos ? 0 : scheme + 3;
    const auto path_start = std::min(url.find_first_of("/?", host_start), url.size());
    return {url.substr(host_start, path_start - host_start), url.substr(path_start)};
}

std::map<std::string, std::string> run_node(const fs::path& script, const fs::path& list,
                                            const fs::path& urls, const fs::path& verdicts) {
    std::map<std::string, std::string> out;
    const std::string cmd = "node '" + script.string() + "' '" + list.string() + "' '" +
                            urls.string() + "' '" + verdicts.string() + "'";
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return out;
    char line[512];
    while (std::fgets(line, sizeof line, p)) {
        std::string_view l(line);
        while (!l.empty() && (l.back() == '\n' || l.back() == '\r')) l.remove_suffix(1);
        const auto sp = l.find(' ');
        if (sp != std::string_view::npos) out[std::string(l.substr(0, sp))] = l.substr(sp + 1);
    }
    ::pclose(p);
    return out;
}

}  // namespace

int main(int argc, char** argv) {
    std::size_t n_urls = 100000;
    fs::path list{std::string(default_list)};
    fs::path out_dir = fs::temp_directory_path() / "phiguard-classify-bench";
    bool use_node = true;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--urls" && i + 1 < argc)
            n_urls = std::stoul(argv[++i]);
        else if (a == "--list" && i + 1 < argc)
            list = argv[++i];
        else if (a == "--out" && i + 1 < argc)
            out_dir = argv[++i];
        else if (a == "--no-node")
            use_node = false;
        else {
            std::cerr << "usage: " << argv[0]
                      << " [--urls N] [--list FILE] [--out DIR] [--no-node]\n";
            return 2;
        }
    }
    if (n_urls == 0) {
        std::cerr << "--urls must be at least 1\n";
        return 2;
    }
    if (!fs::exists(list)) {
        std::cerr << "list " << list << " missing: apt-get install webext-ublock-origin-chromium\n";
        return 1;
    }
    fs::create_directories(out_dir);
    const fs::path cache = out_dir / "cache";
    fs::remove_all(cache);

    catalog_config config;
    config.adblock_lists = {list};
    config.cache_dir = cache;

    auto t0 = clock_type::now();
    const auto cold = destination_catalog::build(config);
    const double cold_ms = ms_since(t0);
    t0 = clock_type::now();
    const auto catalog = destination_catalog::build(config);
    const double warm_ms = ms_since(t0);

    // Hosts of EasyPrivacy's own `||host^` rules, every 23rd, for listed traffic.
    std::vector<std::string> list_hosts;
    {
        const auto imported = import_adblock_file(list);
        std::size_t k = 0;
        for (const auto& r : imported.rules) {
            if (r.rule.k == adblock_rule::kind::host && !r.rule.exception && k++ % 23 == 0) {
                list_hosts.push_back(r.rule.host);
            }
        }
    }
    url_maker maker(std::move(list_hosts));
    std::vector<std::string> urls;
    urls.reserve(n_urls);
    std::size_t bytes = 0;
    std::unordered_set<std::string> hosts;
    for (std::size_t i = 0; i < n_urls; ++i) {
        urls.push_back(maker.next());
        bytes += urls.back().size();
        hosts.emplace(split(urls.back()).host);
    }
    const fs::path url_file = out_dir / "urls.txt";
    {
        std::ofstream f(url_file);
        for (const auto& u : urls) f << u << '\n';
    }

    // Warm-up pass (caches, scratch), then one timed call per URL.
    std::size_t sink = 0;
    for (const auto& u : urls) {
        const auto s = split(u);
        sink += catalog->classify(s.host, s.target).is_tracker();
    }
    std::vector<double> ns(urls.size());
    std::vector<char> listed(urls.size()), tracker(urls.size());
    const auto all0 = clock_type::now();
    for (std::size_t i = 0; i < urls.size(); ++i) {
        const auto start = clock_type::now();
        const auto s = split(urls[i]);
        const destination d = catalog->classify(s.host, s.target);
        const auto stop = clock_type::now();
        ns[i] = std::chrono::duration<double, std::nano>(stop - start).count();
        listed[i] = d.listed;
        tracker[i] = d.is_tracker();
    }
    const double all_ns =
        std::chrono::duration<double, std::nano>(clock_type::now() - all0).count();
    std::vector<double> overhead(20000);
    for (auto& o : overhead) {
        const auto a = clock_type::now();
        const auto b = clock_type::now();
        o = std::chrono::duration<double, std::nano>(b - a).count();
    }

    const auto& rep = catalog->import_reports().at(0);
    const auto& db = catalog->list_db_stats();
    const auto& cold_db = cold->list_db_stats();
    const auto& exc = catalog->exception_db_stats();
    std::size_t n_listed = 0, n_tracker = 0;
    for (std::size_t i = 0; i < urls.size(); ++i) {
        n_listed += listed[i];
        n_tracker += tracker[i];
    }

    std::printf("phiguard destination classification benchmark\n");
    std::printf("reproduce: %s --urls %zu --list %s --out %s%s\n", argv[0], n_urls, list.c_str(),
                out_dir.c_str(), use_node ? "" : " --no-node");
    std::printf("list: %s\n", list.c_str());
    std::printf("  network rules %zu, compiled %zu (host rules %zu, exceptions %zu)\n",
                rep.network_rules, rep.compiled, rep.host_rules, rep.exceptions);
    for (const auto& [reason, count] : rep.skipped) {
        std::printf("  skipped %-58s %zu\n", reason.c_str(), count);
    }
    std::printf("hyperscan list database: %zu expressions, %.2f MiB (exceptions: %zu, %.2f MiB)\n",
                db.patterns, static_cast<double>(db.bytes) / 1048576.0, exc.patterns,
                static_cast<double>(exc.bytes) / 1048576.0);
    std::printf("  compile cold      %8.1f ms   (cached: %s)\n", cold_db.build_ms,
                cold_db.from_cache ? "yes" : "no");
    std::printf("  load from cache   %8.1f ms   (cached: %s)\n", db.build_ms,
                db.from_cache ? "yes" : "no");
    std::printf(
        "catalogue build (vendors + list parse + databases): cold %.1f ms, from cache %.1f ms\n",
        cold_ms, warm_ms);
    std::printf("urls: %zu (%.0f bytes mean, %zu distinct hosts), written to %s\n", urls.size(),
                static_cast<double>(bytes) / static_cast<double>(urls.size()), hosts.size(),
                url_file.c_str());
    std::printf("  trackers (vendor or list) %zu, listed by EasyPrivacy %zu\n", n_tracker,
                n_listed);
    const double med = percentile(ns, 0.5), p99 = percentile(ns, 0.99);
    std::printf(
        "phiguard classify: median %.0f ns, p99 %.0f ns, mean %.0f ns per URL "
        "(timer overhead median %.0f ns included)\n",
        med, p99, all_ns / static_cast<double>(urls.size()), percentile(overhead, 0.5));

    if (!use_node) return sink == 0 ? 1 : 0;
    const fs::path script = fs::path(__FILE__).parent_path() / "ghostery" / "classify.mjs";
    if (!fs::exists(script.parent_path() / "node_modules" / "@ghostery" / "adblocker")) {
        std::printf("ghostery: not installed; run `npm --prefix %s ci` for the comparison\n",
                    script.parent_path().c_str());
        return 0;
    }
    const fs::path verdict_file = out_dir / "ghostery-verdicts.txt";
    const auto g = run_node(script, list, url_file, verdict_file);
    if (!g.contains("median_ns")) {
        std::printf("ghostery: the node script failed (run it by hand: node %s %s %s)\n",
                    script.c_str(), list.c_str(), url_file.c_str());
        return 1;
    }
    const double g_med = std::stod(g.at("median_ns")), g_p99 = std::stod(g.at("p99_ns"));
    std::printf("%s (%s): median %.0f ns, p99 %.0f ns, mean %s ns per URL; list parse %s ms\n",
                g.at("engine").c_str(), g.at("node").c_str(), g_med, g_p99, g.at("mean_ns").c_str(),
                g.at("parse_ms").c_str());
    std::printf("speed-up at the median: %.1fx, at p99: %.1fx (goal: 5x at the median)\n",
                g_med / med, g_p99 / p99);

    std::ifstream vf(verdict_file);
    std::size_t agree = 0, only_us = 0, only_them = 0, i = 0;
    std::vector<std::string> examples_us, examples_them;
    for (std::string v; std::getline(vf, v) && i < urls.size(); ++i) {
        const bool them = v == "1", us = listed[i] != 0;
        if (them == us) {
            ++agree;
        } else if (us) {
            if (only_us++ < 3) examples_us.push_back(urls[i]);
        } else if (only_them++ < 3) {
            examples_them.push_back(urls[i]);
        }
    }
    std::printf(
        "agreement on \"listed by EasyPrivacy\": %.2f%% (%zu only phiguard, %zu only ghostery)\n",
        100.0 * static_cast<double>(agree) / static_cast<double>(urls.size()), only_us, only_them);
    for (const auto& u : examples_us) std::printf("  only phiguard: %.160s\n", u.c_str());
    for (const auto& u : examples_them) std::printf("  only ghostery: %.160s\n", u.c_str());
    return 0;
}
