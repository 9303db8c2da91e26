#include "e2e/intercept_fixture.hpp"

// Boost.JSON's definitions, compiled once for the whole e2e executable.
#include <boost/json/src.hpp>
#include <cctype>
#include <sstream>
#include <stdexcept>

#include "e2e/support/command.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/proxy_process.hpp"

namespace phiguard::e2e {

const std::vector<std::string>& posed_hosts() {
    static const std::vector<std::string> hosts{
        "origin.test",   "www.facebook.com", "graph.facebook.com",     "www.google-analytics.com",
        "fhir.epic.com", "api.twilio.com",   "bank.example-pinned.com"};
    return hosts;
}

leaf_options posing_leaf() {
    leaf_options leaf;
    leaf.dns_names = posed_hosts();
    return leaf;
}

phiguard_ca::phiguard_ca(const temp_dir& dir) : ca_dir_(dir.file("ca")) {
    auto const r =
        run_command({phiguard_binary(), "ca", "init", "--dir", ca_dir_}, std::chrono::seconds(30));
    if (r.exit_code != 0)
        throw std::runtime_error("phiguard ca init failed (" + std::to_string(r.exit_code) +
                                 "): " + r.out + r.err);
}

std::vector<std::string> intercept_args(const phiguard_ca& ca, const origin& o,
                                        std::vector<std::string> extra,
                                        std::vector<std::string> hosts) {
    std::vector<std::string> args{"run",       "--listen",      "127.0.0.1:0", "--ca-dir",
                                  ca.ca_dir(), "--upstream-ca", o.ca_file()};
    for (auto const& h : hosts) {
        args.push_back("--connect-to");
        args.push_back(h + ":443:127.0.0.1:" + std::to_string(o.port()));
    }
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
}

curl_result curl_intercepted(const std::string& proxy_url, const phiguard_ca& ca,
                             std::vector<std::string> args) {
    // -g: tracker URLs carry [ and ], which curl would take for a glob.
    std::vector<std::string> all{"-g", "--cacert", ca.cert()};
    all.insert(all.end(), args.begin(), args.end());
    return curl(proxy_url, all, std::chrono::seconds(20));
}

alert_lines read_alerts(const std::string& path) {
    alert_lines out;
    out.text = read_file_text(path);
    std::istringstream in(out.text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty()) continue;
        boost::json::error_code ec;
        auto v = boost::json::parse(line, ec);
        if (ec || !v.is_object()) {
            out.unparsable.push_back(line);
        } else {
            out.objects.push_back(std::move(v.as_object()));
        }
    }
    return out;
}

bool wait_alert_lines(const std::string& path, std::size_t count,
                      std::chrono::milliseconds timeout) {
    return wait_until(
        [&] {
            auto const text = read_file_text(path);
            std::size_t lines = 0;
            for (char c : text) lines += c == '\n' ? 1 : 0;
            return lines >= count;
        },
        timeout, std::chrono::milliseconds(20));
}

const boost::json::value* field_value(const boost::json::object& alert, std::string_view name) {
    if (auto const* v = alert.if_contains(name)) return v;
    // Nested objects: try every split point, the longest first key first, so "a.b.c" matches
    // {"a": {"b.c": …}} as well as {"a": {"b": {"c": …}}}.
    for (auto dot = name.rfind('.'); dot != std::string_view::npos && dot > 0;
         dot = name.rfind('.', dot - 1)) {
        auto const* head = alert.if_contains(name.substr(0, dot));
        if (head != nullptr && head->is_object()) {
            if (auto const* v = field_value(head->as_object(), name.substr(dot + 1))) return v;
        }
        if (dot == 0) break;
    }
    return nullptr;
}

std::string field(const boost::json::object& alert, std::string_view name) {
    auto const* v = field_value(alert, name);
    if (v == nullptr) return {};
    if (v->is_string()) return std::string(v->as_string());
    return boost::json::serialize(*v);
}

bool is_incident_id(std::string_view text) {
    if (text.size() != 32) return false;
    for (char c : text)
        if (std::isxdigit(static_cast<unsigned char>(c)) == 0) return false;
    return true;
}

std::string incident_in(std::string_view block_page) {
    constexpr std::string_view marker = "Incident ";
    auto const at = block_page.find(marker);
    if (at == std::string_view::npos) return {};
    auto const id = block_page.substr(at + marker.size(), 32);
    return is_incident_id(id) ? std::string(id) : std::string();
}

}  // namespace phiguard::e2e
