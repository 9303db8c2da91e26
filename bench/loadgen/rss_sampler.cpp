#include "rss_sampler.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

namespace phiguard::loadgen {
namespace {

long vm_rss_kib(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
    return 0;
}

// pid → parent pid for every process visible now.
std::map<int, int> parents() {
    std::map<int, int> out;
    std::error_code ec;
    for (auto const& entry : std::filesystem::directory_iterator("/proc", ec)) {
        auto const name = entry.path().filename().string();
        if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
        std::ifstream in(entry.path() / "stat");
        std::string stat;
        std::getline(in, stat);
        // "pid (comm) state ppid …": comm may hold spaces, so parse after the last ')'.
        auto const close = stat.rfind(')');
        if (close == std::string::npos || close + 4 > stat.size()) continue;
        try {
            out[std::stoi(name)] = std::stoi(stat.substr(close + 4));
        } catch (const std::exception&) {
        }
    }
    return out;
}

}  // namespace

rss_sampler::rss_sampler(boost::asio::io_context& ioc, std::vector<int> pids)
    : timer_(ioc), roots_(std::move(pids)) {}

void rss_sampler::start() {
    if (roots_.empty()) return;
    on_tick();
}

long rss_sampler::sample_kib() const {
    if (roots_.empty()) return 0;
    auto const tree = parents();
    std::set<int> wanted(roots_.begin(), roots_.end());
    // Descendants: repeat until no new child joins (process trees here are shallow).
    for (bool grew = true; grew;) {
        grew = false;
        for (auto const& [pid, ppid] : tree)
            if (wanted.count(ppid) && wanted.insert(pid).second) grew = true;
    }
    long total = 0;
    for (int pid : wanted) total += vm_rss_kib(pid);
    return total;
}

void rss_sampler::on_tick() {
    peak_kib_ = std::max(peak_kib_, sample_kib());
    timer_.expires_after(std::chrono::milliseconds(200));
    timer_.async_wait([this](boost::system::error_code ec) {
        if (!ec) on_tick();
    });
}

}  // namespace phiguard::loadgen
