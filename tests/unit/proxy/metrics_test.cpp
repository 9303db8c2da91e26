#include "proxy/metrics.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

using phiguard::proxy::latency_histogram;
using phiguard::proxy::metrics;

namespace {

// The exposition format 0.0.4 grammar for what we emit, checked by hand (std::regex trips
// GCC 12's -Wmaybe-uninitialized under the sanitizers).
bool metric_name(std::string_view s) {
    return s.starts_with("phiguard_") && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= 'a' && c <= 'z') || c == '_';
           });
}

// `{k="v",k2="v2"}` with label names like metric names and no escapes needed in values.
bool label_set(std::string_view s) {
    if (s.size() < 2 || s.front() != '{' || s.back() != '}') return false;
    s = s.substr(1, s.size() - 2);
    while (!s.empty()) {
        auto const eq = s.find("=\"");
        if (eq == std::string_view::npos || eq == 0) return false;
        for (char c : s.substr(0, eq))
            if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
        auto const close = s.find('"', eq + 2);
        if (close == std::string_view::npos) return false;
        if (s.substr(eq + 2, close - eq - 2).find_first_of("\\\n") != std::string_view::npos)
            return false;
        s = s.substr(close + 1);
        if (!s.empty()) {
            if (s.front() != ',') return false;
            s = s.substr(1);
        }
    }
    return true;
}

bool number(const std::string& s, double& value) {
    if (s == "+Inf") return value = HUGE_VAL, true;
    std::size_t used = 0;
    try {
        value = std::stod(s, &used);
    } catch (const std::exception&) {
        return false;
    }
    return used == s.size();
}

// Series name (with labels) -> value; fails the test on any line outside the grammar.
std::map<std::string, double> parse(const std::string& text) {
    REQUIRE(!text.empty());
    REQUIRE(text.back() == '\n');
    std::map<std::string, double> series;
    std::map<std::string, std::string> types;
    std::set<std::string> helped;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        CAPTURE(line);
        if (line.starts_with("# HELP ")) {
            auto const rest = line.substr(7);
            auto const sp = rest.find(' ');
            REQUIRE(sp != std::string::npos);
            CHECK(metric_name(rest.substr(0, sp)));
            CHECK(sp + 1 < rest.size());  // some help text
            CHECK(helped.insert(rest.substr(0, sp)).second);
        } else if (line.starts_with("# TYPE ")) {
            std::istringstream words(line.substr(7));
            std::string name, type, extra;
            words >> name >> type;
            CHECK_FALSE(static_cast<bool>(words >> extra));
            CHECK(metric_name(name));
            CHECK((type == "counter" || type == "gauge" || type == "histogram"));
            CHECK(helped.count(name) == 1);  // HELP comes first
            CHECK(types.emplace(name, type).second);
        } else {
            auto const sp = line.rfind(' ');
            REQUIRE(sp != std::string::npos);
            auto const key = line.substr(0, sp);
            auto const brace = key.find('{');
            auto name = key.substr(0, brace);
            REQUIRE(metric_name(name));
            if (brace != std::string::npos) CHECK(label_set(std::string_view(key).substr(brace)));
            double value = 0;
            REQUIRE(number(line.substr(sp + 1), value));
            // Histogram samples belong to the family without the suffix.
            for (std::string suffix : {"_bucket", "_sum", "_count"}) {
                auto base = name.substr(0, name.size() - suffix.size());
                if (name.ends_with(suffix) && types.count(base) && types[base] == "histogram")
                    name = base;
            }
            CHECK(types.count(name) == 1);             // TYPE precedes every sample
            CHECK(series.emplace(key, value).second);  // no duplicate series
        }
    }
    return series;
}

double at(const std::map<std::string, double>& s, const std::string& key) {
    auto it = s.find(key);
    return it == s.end() ? 0.0 : it->second;
}

}  // namespace

TEST_CASE("metrics: a fresh registry renders valid exposition text with every family") {
    metrics m;
    auto const s = parse(m.render(3));
    CHECK(at(s, "phiguard_active_connections") == 3);
    CHECK(s.count("phiguard_requests_total{verdict=\"allow\"}") == 1);
    CHECK(s.count("phiguard_requests_total{verdict=\"would_block\"}") == 1);
    CHECK(s.count("phiguard_request_duration_seconds_bucket{le=\"+Inf\"}") == 1);
    CHECK(s.count("phiguard_scan_duration_seconds_count") == 1);
    CHECK(s.count("phiguard_scanned_bytes_total") == 1);
    CHECK(s.count("phiguard_cert_cache_hits_total") == 1);
    CHECK(s.count("phiguard_cert_cache_misses_total") == 1);
    CHECK(s.count("phiguard_policy_generation") == 1);
    CHECK(s.count("phiguard_policy_reloads_total{result=\"failed\"}") == 1);
    CHECK(s.count("phiguard_build_info{version=\"" PHIGUARD_VERSION "\"}") == 1);
    for (auto const& [key, value] : s) {
        CAPTURE(key);
        if (key.starts_with("phiguard_build_info") || key == "phiguard_active_connections")
            continue;
        CHECK(value == 0);
    }
}

TEST_CASE("metrics: a known batch moves each counter by exactly that batch") {
    metrics m;
    m.request_done("allow", 0.2);  // noise before the first scrape
    auto const before = parse(m.render(0));

    for (int i = 0; i < 7; ++i) m.request_done("allow", 0.003);
    for (int i = 0; i < 2; ++i) m.request_done("block", 0.0005);
    m.request_done("would_block", 1.5);
    m.alert("ssn", "analytics");
    m.alert("ssn", "analytics");
    m.alert("condition", "advertising");
    m.bytes_scanned(1000);
    m.bytes_scanned(24);
    m.scan_seconds(0.00002);
    m.reload(true, 4);
    m.reload(false, 4);
    m.cert_cache(10, 3, 2);
    auto const after = parse(m.render(0));

    auto delta = [&](const std::string& key) { return at(after, key) - at(before, key); };
    CHECK(delta("phiguard_requests_total{verdict=\"allow\"}") == 7);
    CHECK(delta("phiguard_requests_total{verdict=\"block\"}") == 2);
    CHECK(delta("phiguard_requests_total{verdict=\"would_block\"}") == 1);
    CHECK(delta("phiguard_requests_total{verdict=\"alert\"}") == 0);
    CHECK(delta("phiguard_alerts_total{phi_kind=\"ssn\",category=\"analytics\"}") == 2);
    CHECK(delta("phiguard_alerts_total{phi_kind=\"condition\",category=\"advertising\"}") == 1);
    CHECK(delta("phiguard_scanned_bytes_total") == 1024);
    CHECK(delta("phiguard_policy_reloads_total{result=\"ok\"}") == 1);
    CHECK(delta("phiguard_policy_reloads_total{result=\"failed\"}") == 1);
    CHECK(at(after, "phiguard_policy_generation") == 4);
    CHECK(at(after, "phiguard_cert_cache_hits_total") == 10);
    CHECK(at(after, "phiguard_cert_cache_misses_total") == 3);
    CHECK(at(after, "phiguard_cert_mints_total") == 2);

    // Histogram: buckets are cumulative, each observation lands in the first bound >= it.
    auto const h = std::string("phiguard_request_duration_seconds");
    CHECK(delta(h + "_count") == 10);
    CHECK(delta(h + "_bucket{le=\"0.001\"}") == 2);
    CHECK(delta(h + "_bucket{le=\"0.0025\"}") == 2);
    CHECK(delta(h + "_bucket{le=\"0.005\"}") == 9);
    CHECK(delta(h + "_bucket{le=\"1\"}") == 9);
    CHECK(delta(h + "_bucket{le=\"2.5\"}") == 10);
    CHECK(delta(h + "_bucket{le=\"+Inf\"}") == 10);
    CHECK(delta(h + "_sum") == doctest::Approx(7 * 0.003 + 2 * 0.0005 + 1.5).epsilon(1e-9));
    CHECK(delta("phiguard_scan_duration_seconds_bucket{le=\"2.5e-05\"}") == 1);
    CHECK(delta("phiguard_scan_duration_seconds_bucket{le=\"1e-05\"}") == 0);
}

TEST_CASE("metrics: unknown label values are counted as other, so series stay bounded") {
    metrics m;
    auto const fresh = m.render(0);
    auto const lines_before = std::count(fresh.begin(), fresh.end(), '\n');
    m.request_done("bogus", 0.01);
    for (int i = 0; i < 50; ++i)
        m.alert("kind_" + std::to_string(i), "category_" + std::to_string(i));
    m.alert("ssn", "nope");
    auto const text = m.render(0);
    auto const s = parse(text);
    CHECK(at(s, "phiguard_requests_total{verdict=\"other\"}") == 1);
    CHECK(at(s, "phiguard_alerts_total{phi_kind=\"other\",category=\"other\"}") == 50);
    CHECK(at(s, "phiguard_alerts_total{phi_kind=\"ssn\",category=\"other\"}") == 1);
    CHECK(text.find("kind_") == std::string::npos);
    // Two new alert series, nothing else.
    CHECK(std::count(text.begin(), text.end(), '\n') == lines_before + 2);
}

TEST_CASE("metrics: concurrent updates from many threads lose nothing") {
    metrics m;
    constexpr int threads = 4, per_thread = 20000;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (int i = 0; i < per_thread; ++i) {
                m.request_done("alert", 0.001);
                m.alert("phone", "social");
                m.bytes_scanned(3);
            }
        });
    for (auto& t : pool) t.join();
    auto const s = parse(m.render(0));
    constexpr double total = threads * per_thread;
    CHECK(at(s, "phiguard_requests_total{verdict=\"alert\"}") == total);
    CHECK(at(s, "phiguard_alerts_total{phi_kind=\"phone\",category=\"social\"}") == total);
    CHECK(at(s, "phiguard_scanned_bytes_total") == 3 * total);
    CHECK(at(s, "phiguard_request_duration_seconds_bucket{le=\"0.001\"}") == total);
    CHECK(at(s, "phiguard_request_duration_seconds_sum") == doctest::Approx(total * 0.001));
}

TEST_CASE("metrics: histograms treat negative and NaN durations as zero") {
    std::vector<double> bounds{0.5, 1.0};
    latency_histogram h(bounds);
    h.observe(-1);
    h.observe(std::nan(""));
    h.observe(0.75);
    h.observe(1e300);  // past every bound and far past the nanosecond sum's range
    std::string out;
    h.render(out, "phiguard_x");
    CHECK(h.count() == 4);
    CHECK(out.find("phiguard_x_bucket{le=\"0.5\"} 2\n") != std::string::npos);
    CHECK(out.find("phiguard_x_bucket{le=\"1\"} 3\n") != std::string::npos);
    CHECK(out.find("phiguard_x_bucket{le=\"+Inf\"} 4\n") != std::string::npos);
    CHECK(out.find("phiguard_x_count 4\n") != std::string::npos);
    std::vector<double> unsorted{1.0, 0.5};
    CHECK_THROWS_AS(latency_histogram{unsorted}, std::invalid_argument);
}
