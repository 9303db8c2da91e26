// The deploy/ artefacts, checked by the tools that consume them: systemd-analyze for the unit,
// haproxy -c and a live two-instance HAProxy for the load balancer, yaml-cpp for Kubernetes.
#include "e2e/admin_endpoint.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/support/command.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/deadline.hpp"
#include "e2e/support/fixture.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/policy_text.hpp"
#include "e2e/support/proxy_process.hpp"
#include "e2e/support/raw_connection.hpp"
#include "e2e/tracker_requests.hpp"
#include "support/temp_dir.hpp"

extern char** environ;

using namespace phiguard::e2e;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

const fs::path deploy_dir = fs::path(PHIGUARD_SOURCE_DIR) / "deploy";

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

bool tool_runs(const std::vector<std::string>& argv) {
    return run_command(argv, 10s).exit_code == 0;
}

/// A long-running tool (haproxy) as a child, output captured, SIGKILLed on destruction.
class child_process {
public:
    child_process(const std::vector<std::string>& argv, const temp_dir& dir) : dir_(dir) {
        std::vector<char*> cargs;
        for (auto const& a : argv) cargs.push_back(const_cast<char*>(a.c_str()));
        cargs.push_back(nullptr);
        auto const out = dir.file("child.out");
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        int const rc = ::posix_spawnp(&pid_, cargs[0], &actions, nullptr, cargs.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        if (rc != 0) throw std::runtime_error("cannot spawn " + argv[0]);
    }
    ~child_process() {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    bool running() const { return ::waitpid(pid_, nullptr, WNOHANG) == 0; }
    std::string output() const { return read_file_text(dir_.file("child.out")); }

private:
    const temp_dir& dir_;
    pid_t pid_ = -1;
};

/// deploy/haproxy/phiguard.cfg made runnable on loopback by an unprivileged test: the same
/// defaults, checks and balancing, with our addresses, no syslog and no user switch, plus a
/// stats page to watch the health checks.
std::string loopback_haproxy_config(std::uint16_t front, std::uint16_t stats,
                                    const std::vector<std::pair<std::uint16_t, std::uint16_t>>&
                                        servers /* proxy port, admin port */) {
    std::istringstream in(read_file_text(deploy_dir / "haproxy" / "phiguard.cfg"));
    std::string out, line;
    bool bound = false;
    while (std::getline(in, line)) {
        auto const t = line.substr(std::min(line.find_first_not_of(' '), line.size()));
        if (t.starts_with("log ") || t.starts_with("user ") || t.starts_with("group ") ||
            t.starts_with("option tcplog") || t.starts_with("server "))
            continue;
        // A test process may not raise its descriptor limit to what 20000 connections need.
        if (t.starts_with("maxconn ")) line = "    maxconn 256";
        if (t.starts_with("bind :3128")) {
            line = "    bind 127.0.0.1:" + std::to_string(front);
            bound = true;
        }
        out += line + "\n";
    }
    REQUIRE(bound);  // the shipped file still has the frontend the test rewrites
    for (std::size_t i = 0; i < servers.size(); ++i)
        out += "    server p" + std::to_string(i + 1) +
               " 127.0.0.1:" + std::to_string(servers[i].first) + " check port " +
               std::to_string(servers[i].second) + "\n";
    out += "\nlisten stats\n    mode http\n    bind 127.0.0.1:" + std::to_string(stats) +
           "\n    stats enable\n    stats uri /stats\n";
    return out;
}

/// HAProxy's view of one server ("UP", "DOWN", "UP 1/2"...) from the CSV stats page.
std::string server_status(std::uint16_t stats, const std::string& server) {
    auto const r = curl("", {"http://127.0.0.1:" + std::to_string(stats) + "/stats;csv"}, 5s);
    std::istringstream in(r.body());
    std::string line;
    while (std::getline(in, line)) {
        if (!line.starts_with("phiguard," + server + ",")) continue;
        std::vector<std::string> cols;
        std::istringstream fields(line);
        for (std::string c; std::getline(fields, c, ',');) cols.push_back(c);
        return cols.size() > 17 ? cols[17] : "";
    }
    return "";
}

std::size_t line_count(const std::string& path) {
    auto const text = read_file_text(path);
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// The lines of `text`, without their newlines; empty lines dropped.
std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(line);
    return out;
}

/// `path` (or the file a symlink chain leads to) has exactly these permission bits.
mode_t mode_of(const std::string& path) {
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    return st.st_mode & 07777;
}

/// Installing or packaging runs the build tree's cmake_install.cmake, which rewrites
/// BUILD/deploy/phiguard.service and BUILD/install_manifest.txt: two of those at once (ctest -j)
/// would read each other's files. Held for the whole install-and-inspect step. The lock file
/// sits at the build tree's root: BUILD/deploy/ only exists once something has been installed.
class build_tree_lock {
public:
    build_tree_lock() {
        auto const path = fs::path(PHIGUARD_BUILD_DIR) / ".e2e-install.lock";
        fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        REQUIRE_MESSAGE(fd_ >= 0, "cannot open " << path.string());
        REQUIRE_MESSAGE(
            wait_until([&] { return ::flock(fd_, LOCK_EX | LOCK_NB) == 0; }, 240s, 50ms),
            "another test held " << path.string() << " for four minutes");
    }
    ~build_tree_lock() {
        if (fd_ >= 0) ::close(fd_);
    }
    build_tree_lock(const build_tree_lock&) = delete;
    build_tree_lock& operator=(const build_tree_lock&) = delete;

private:
    int fd_ = -1;
};

/// `dpkg-deb -c` as path ("./usr/bin/phiguard") -> size in bytes.
std::map<std::string, std::uint64_t> deb_contents(const std::string& deb) {
    auto const r = run_command({"dpkg-deb", "-c", deb}, 60s);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::map<std::string, std::uint64_t> out;
    for (auto const& line : lines_of(r.out)) {
        // "-rwxr-xr-x root/root   4782728 2026-11-24 17:31 ./usr/bin/phiguard"
        std::istringstream fields(line);
        std::string mode, owner, size, date, time, path;
        fields >> mode >> owner >> size >> date >> time >> path;
        out[path] = std::stoull(size);
    }
    return out;
}

/// A Secret's defaultMode as Kubernetes reads it: YAML 1.1, so a leading 0 means octal.
mode_t yaml_file_mode(const YAML::Node& node) {
    auto const text = node.as<std::string>();
    return static_cast<mode_t>(std::stoul(text, nullptr, text.starts_with("0") ? 8 : 10));
}

/// The volumeMounts of every (init) container of the pod, as (container, volume, path, ro).
struct volume_mount {
    std::string container, volume, path;
    bool read_only = false;
};
std::vector<volume_mount> pod_mounts(const YAML::Node& pod) {
    std::vector<volume_mount> out;
    for (auto const* list : {"initContainers", "containers"})
        for (auto const& c : pod[list])
            for (auto const& m : c["volumeMounts"])
                out.push_back({c["name"].as<std::string>(), m["name"].as<std::string>(),
                               m["mountPath"].as<std::string>(),
                               m["readOnly"] && m["readOnly"].as<bool>()});
    return out;
}

}  // namespace

TEST_CASE("deploy: systemd-analyze verify accepts the unit, its binary and its man page") {
    REQUIRE_MESSAGE(tool_runs({"systemd-analyze", "--version"}),
                    "systemd-analyze is missing: run deploy/install-deps.sh --test");
    temp_dir dir;
    // The unit as installed, but pointing at the binary under test.
    auto const unit_text = read_file_text(deploy_dir / "systemd" / "phiguard.service");
    REQUIRE(unit_text.find("ExecStart=/usr/bin/phiguard run") != std::string::npos);
    auto const unit =
        dir.write("phiguard.service", replace_all(unit_text, "/usr/bin/phiguard", PHIGUARD_BINARY));
    // Documentation=man:phiguard(1) is resolved through man(1); give it ours.
    fs::create_directories(dir.path() / "man" / "man1");
    fs::copy_file(deploy_dir / "man" / "phiguard.1", dir.path() / "man" / "man1" / "phiguard.1");
    std::vector<std::string> argv{"env", "MANPATH=" + dir.file("man"), "systemd-analyze", "verify"};
    if (!tool_runs({"man", "--version"})) argv.push_back("--man=no");
    argv.push_back(unit);
    auto const r = run_command(argv, 60s);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK(r.err.empty());

    // The hardening the issue asks for is really there.
    for (auto const* line :
         {"User=phiguard", "NoNewPrivileges=yes", "ProtectSystem=strict",
          "ReadWritePaths=/var/log/phiguard /var/lib/phiguard", "LimitNOFILE=65536",
          "ExecReload=/bin/kill -HUP $MAINPID",
          "ExecStartPre=/usr/bin/phiguard check-config /etc/phiguard/policy.yaml"}) {
        CAPTURE(line);
        CHECK(unit_text.find(std::string("\n") + line + "\n") != std::string::npos);
    }
}

TEST_CASE("deploy: a unit with a mistake is rejected by the same check") {
    // Shows the verify step above can fail: an unknown directive and a missing binary.
    REQUIRE(tool_runs({"systemd-analyze", "--version"}));
    temp_dir dir;
    auto const unit = dir.write("broken.service",
                                "[Service]\nExecStart=/nonexistent/phiguard run\nNoSuchKey=1\n");
    auto const r = run_command({"systemd-analyze", "verify", "--man=no", unit}, 60s);
    CHECK(r.exit_code != 0);
}

TEST_CASE("deploy: the default policy and the Kubernetes policy pass check-config") {
    temp_dir dir;
    auto const cm = YAML::LoadFile((deploy_dir / "k8s" / "configmap.yaml").string());
    auto const k8s_policy = dir.write("policy.yaml", cm["data"]["policy.yaml"].as<std::string>());
    for (auto const& file : {(deploy_dir / "default-policy.yaml").string(), k8s_policy}) {
        CAPTURE(file);
        auto const r = run_command({PHIGUARD_BINARY, "check-config", file}, 30s);
        INFO(r.out << r.err);
        CHECK(r.exit_code == 0);
    }
}

TEST_CASE("deploy: haproxy -c accepts the HAProxy configuration") {
    REQUIRE_MESSAGE(tool_runs({"haproxy", "-v"}),
                    "haproxy is missing: run deploy/install-deps.sh --test");
    auto const r = run_command(
        {"haproxy", "-c", "-f", (deploy_dir / "haproxy" / "phiguard.cfg").string()}, 30s);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    temp_dir dir;
    auto const bad =
        dir.write("bad.cfg", "backend b\n    mode tcp\n    server s 127.0.0.1:1 chek\n");
    CHECK(run_command({"haproxy", "-c", "-f", bad}, 30s).exit_code != 0);
}

TEST_CASE("deploy: every Kubernetes manifest parses, with the objects and probes the issue asks") {
    std::multiset<std::string> kinds;
    YAML::Node deployment;
    std::size_t files = 0;
    for (auto const& entry : fs::directory_iterator(deploy_dir / "k8s")) {
        if (entry.path().extension() != ".yaml") continue;
        ++files;
        CAPTURE(entry.path().string());
        std::vector<YAML::Node> docs;
        REQUIRE_NOTHROW(docs = YAML::LoadAllFromFile(entry.path().string()));
        REQUIRE(!docs.empty());
        for (auto const& doc : docs) {
            REQUIRE(doc.IsMap());
            CHECK(doc["apiVersion"].IsScalar());
            REQUIRE(doc["kind"].IsScalar());
            CHECK(doc["metadata"]["name"].IsScalar());
            kinds.insert(doc["kind"].as<std::string>());
            if (doc["kind"].as<std::string>() == "Deployment") deployment = doc;
        }
    }
    CHECK(files >= 6);
    for (auto const* kind : {"Deployment", "ConfigMap", "Secret", "Service",
                             "HorizontalPodAutoscaler", "PodDisruptionBudget"}) {
        CAPTURE(kind);
        CHECK(kinds.count(kind) == 1);
    }
    REQUIRE(deployment);
    auto const c = deployment["spec"]["template"]["spec"]["containers"][0];
    CHECK(c["readinessProbe"]["httpGet"]["path"].as<std::string>() == "/readyz");
    CHECK(c["readinessProbe"]["httpGet"]["port"].as<std::string>() == "admin");
    CHECK(c["livenessProbe"]["httpGet"]["path"].as<std::string>() == "/healthz");
    bool admin_port_9090 = false, admin_arg = false;
    for (auto const& p : c["ports"])
        admin_port_9090 |=
            p["name"].as<std::string>() == "admin" && p["containerPort"].as<int>() == 9090;
    for (auto const& a : c["args"])
        admin_arg |= a.as<std::string>() == "--admin-listen=0.0.0.0:9090";
    CHECK(admin_port_9090);
    CHECK(admin_arg);
}

TEST_CASE("deploy: behind a real HAProxy, traffic spreads and survives losing an instance") {
    REQUIRE_MESSAGE(tool_runs({"haproxy", "-v"}),
                    "haproxy is missing: run deploy/install-deps.sh --test");
    origin o;
    temp_dir dir;
    auto const log1 = dir.file("access1.jsonl"), log2 = dir.file("access2.jsonl");
    proxy_process p1(pinned_args(o, {"--admin-listen", "127.0.0.1:0", "--access-log", log1}));
    proxy_process p2(pinned_args(o, {"--admin-listen", "127.0.0.1:0", "--access-log", log2}));
    auto const front = closed_port(), stats = closed_port();
    auto const cfg =
        dir.write("haproxy.cfg",
                  loopback_haproxy_config(
                      front, stats, {{p1.port(), admin_port(p1)}, {p2.port(), admin_port(p2)}}));
    REQUIRE(run_command({"haproxy", "-c", "-f", cfg}, 30s).exit_code == 0);
    child_process haproxy({"haproxy", "-db", "-f", cfg}, dir);
    auto const lb = "http://127.0.0.1:" + std::to_string(front);

    // Both servers pass their /healthz checks.
    bool const up = wait_until(
        [&] { return server_status(stats, "p1") == "UP" && server_status(stats, "p2") == "UP"; },
        15s, 100ms);
    INFO(haproxy.output());
    REQUIRE(haproxy.running());
    REQUIRE(up);

    // Round robin: each curl is a new client connection, so both instances serve some.
    constexpr int spread = 10;
    for (int i = 0; i < spread; ++i) {
        auto const r = curl(lb, {origin_url(o, "/hello")}, 10s);
        INFO(r.describe());
        REQUIRE(r.status() == 200);
    }
    CHECK(wait_until([&] { return line_count(log1) + line_count(log2) >= spread; }, 5s));
    CHECK(line_count(log1) >= 1);
    CHECK(line_count(log2) >= 1);
    CHECK(line_count(log1) + line_count(log2) == spread);

    // Lose one instance without warning.
    p1.signal(SIGKILL);
    REQUIRE(p1.wait_exit(5s).has_value());
    auto const killed = std::chrono::steady_clock::now();
    bool const down = wait_until([&] { return server_status(stats, "p1") == "DOWN"; }, 15s, 50ms);
    auto const detect_ms = ms_since(killed);
    INFO("HAProxy marked the killed instance down after " << detect_ms << " ms");
    REQUIRE(down);
    // inter 1s x fall 2 in the shipped file: detection must not take much longer than that.
    CHECK(detect_ms < 5000);

    // After the check interval every request succeeds, all through the survivor.
    auto const served_before = line_count(log2);
    constexpr int after = 20;
    int failed = 0;
    for (int i = 0; i < after; ++i) {
        auto const r = curl(lb, {origin_url(o, "/hello")}, 10s);
        if (r.status() != 200 || r.body() != origin::hello_body) {
            ++failed;
            MESSAGE(r.describe());
        }
    }
    CHECK(failed == 0);
    CHECK(wait_until([&] { return line_count(log2) - served_before >= after; }, 5s));
    CHECK(line_count(log2) - served_before == after);
}

TEST_CASE(
    "deploy: cmake --install --prefix lays out binary, policy, unit and man page inside the "
    "prefix") {
    temp_dir dir;
    auto const prefix = (dir.path() / "prefix").string();
    std::optional<build_tree_lock> lock;
    lock.emplace();
    auto const install =
        run_command({PHIGUARD_CMAKE, "--install", PHIGUARD_BUILD_DIR, "--prefix", prefix}, 240s);
    INFO(install.out << install.err);
    REQUIRE(install.exit_code == 0);

    for (auto const* file : {"bin/phiguard", "etc/phiguard/policy.yaml", "etc/logrotate.d/phiguard",
                             "lib/systemd/system/phiguard.service", "share/man/man1/phiguard.1"}) {
        CAPTURE(file);
        CHECK(fs::is_regular_file(fs::path(prefix) / file));
    }
    CHECK(read_file_text(prefix + "/etc/phiguard/policy.yaml") ==
          read_file_text(deploy_dir / "default-policy.yaml"));
    CHECK(read_file_text(prefix + "/etc/logrotate.d/phiguard") ==
          read_file_text(deploy_dir / "logrotate" / "phiguard"));
    CHECK((mode_of(prefix + "/bin/phiguard") & 0111) == 0111);

    // The unit names this prefix's binary and policy, and nothing in /usr/bin or /etc.
    auto const unit = read_file_text(prefix + "/lib/systemd/system/phiguard.service");
    INFO("installed unit:\n" << unit);
    auto const exec_start = line_with(unit, "ExecStart=/");
    CHECK(exec_start.starts_with("ExecStart=" + prefix + "/bin/phiguard run "));
    CHECK(exec_start.find("--config " + prefix + "/etc/phiguard/policy.yaml") != std::string::npos);
    CHECK(unit.find("/usr/bin/phiguard") == std::string::npos);
    CHECK(count_of(unit, "/etc/phiguard/") == count_of(unit, prefix + "/etc/phiguard/"));
    CHECK(count_of(unit, prefix + "/bin/phiguard") >= 2);  // ExecStartPre and ExecStart

    // Nothing outside the prefix: every file the install wrote is listed under it.
    auto const manifest =
        lines_of(read_file_text(fs::path(PHIGUARD_BUILD_DIR) / "install_manifest.txt"));
    INFO("install_manifest.txt:\n"
         << read_file_text(fs::path(PHIGUARD_BUILD_DIR) / "install_manifest.txt"));
    REQUIRE(std::find(manifest.begin(), manifest.end(), prefix + "/bin/phiguard") !=
            manifest.end());
    CHECK(std::find(manifest.begin(), manifest.end(), prefix + "/etc/phiguard/policy.yaml") !=
          manifest.end());
    for (auto const& line : manifest) {
        CAPTURE(line);
        CHECK(line.starts_with(prefix + "/"));
    }
    lock.reset();

    // The installed binary accepts the installed policy.
    auto const check = run_command(
        {prefix + "/bin/phiguard", "check-config", prefix + "/etc/phiguard/policy.yaml"},
        policy_compile_limit);
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);
}

TEST_CASE(
    "deploy: cpack builds a .deb with the binary, policy, unit, man page and maintainer scripts") {
    REQUIRE_MESSAGE(tool_runs({"dpkg-deb", "--version"}),
                    "dpkg-deb is missing: run deploy/install-deps.sh --test");
    temp_dir dir;
    auto const out = dir.path() / "out";
    std::string deb;
    {
        build_tree_lock lock;
        auto const pack = run_command(
            {PHIGUARD_CPACK, "--config", std::string(PHIGUARD_BUILD_DIR) + "/CPackConfig.cmake",
             "-G", "DEB", "-B", out.string(), "-D", "CPACK_PACKAGING_INSTALL_PREFIX=/usr"},
            240s);
        INFO(pack.out << pack.err);
        REQUIRE(pack.exit_code == 0);
    }
    for (auto const& entry : fs::directory_iterator(out))
        if (entry.path().extension() == ".deb") {
            CHECK(deb.empty());  // exactly one package
            deb = entry.path().string();
        }
    REQUIRE(!deb.empty());
    CHECK(fs::path(deb).filename().string().starts_with("phiguard_"));

    // The Debian layout, whatever prefix the build tree was configured with.
    auto const contents = deb_contents(deb);
    std::string listing;
    for (auto const& [path, size] : contents) listing += path + "\n";
    INFO("dpkg-deb -c:\n" << listing);
    for (auto const* file :
         {"./usr/bin/phiguard", "./etc/phiguard/policy.yaml", "./etc/logrotate.d/phiguard",
          "./usr/lib/systemd/system/phiguard.service", "./usr/share/man/man1/phiguard.1"}) {
        CAPTURE(file);
        CHECK(contents.count(file) == 1);
    }
    CHECK(contents.count("./usr/etc/phiguard/policy.yaml") == 0);

    // Maintainer scripts and conffiles, as shipped and executable.
    auto const info = run_command({"dpkg-deb", "-I", deb}, 60s);
    INFO("dpkg-deb -I:\n" << info.out << info.err);
    REQUIRE(info.exit_code == 0);
    for (auto const* member : {"postinst", "prerm", "postrm", "conffiles"}) {
        CAPTURE(member);
        CHECK(info.out.find(std::string(" ") + member + " ") != std::string::npos);
    }
    auto const control = dir.path() / "control";
    REQUIRE(run_command({"dpkg-deb", "-e", deb, control.string()}, 60s).exit_code == 0);
    for (auto const* script : {"postinst", "prerm", "postrm"}) {
        CAPTURE(script);
        CHECK(read_file_text(control / script) == read_file_text(deploy_dir / "debian" / script));
        CHECK(mode_of((control / script).string()) == 0755);
    }
    // Every conffile is a file of the package (dpkg refuses the package otherwise), whatever
    // CMAKE_INSTALL_PREFIX the tree was configured with: the packaging prefix decides.
    auto const conffiles = lines_of(read_file_text(control / "conffiles"));
    INFO("conffiles:\n" << read_file_text(control / "conffiles"));
    CHECK(conffiles ==
          std::vector<std::string>{"/etc/phiguard/policy.yaml", "/etc/logrotate.d/phiguard"});
    for (auto const& conffile : conffiles) {
        CAPTURE(conffile);
        CHECK(contents.count("." + conffile) == 1);
    }
    // dpkg-deb's own checks (conffiles present, script modes, control fields) on a rebuild.
    auto const tree = dir.path() / "tree";
    REQUIRE(run_command({"dpkg-deb", "-R", deb, tree.string()}, 60s).exit_code == 0);
    auto const rebuild = run_command(
        {"dpkg-deb", "-Znone", "--build", tree.string(), dir.file("rebuilt.deb")}, 120s);
    INFO("dpkg-deb --build:\n" << rebuild.out << rebuild.err);
    CHECK(rebuild.exit_code == 0);

    auto const depends = run_command({"dpkg-deb", "-f", deb, "Depends"}, 60s);
    INFO("Depends: " << depends.out);
    CHECK(depends.out.find("libhyperscan") != std::string::npos);
    CHECK(depends.out.find("adduser") != std::string::npos);

    // The unit names the packaged paths.
    auto const root = dir.path() / "root";
    REQUIRE(run_command({"dpkg-deb", "-x", deb, root.string()}, 120s).exit_code == 0);
    auto const unit = read_file_text(root / "usr/lib/systemd/system/phiguard.service");
    CHECK(line_with(unit, "ExecStart=/")
              .starts_with("ExecStart=/usr/bin/phiguard run --config /etc/phiguard/policy.yaml"));

    // Stripped: no symbol table and no debug info, far smaller than the build's binary, and
    // still a working phiguard.
    auto const packaged = (root / "usr/bin/phiguard").string();
    auto const sections = run_command({"readelf", "-S", "-W", packaged}, 60s);
    REQUIRE(sections.exit_code == 0);
    CHECK(sections.out.find(".symtab") == std::string::npos);
    CHECK(sections.out.find(".debug_info") == std::string::npos);
    auto const packaged_size = fs::file_size(packaged);
    auto const built_size = fs::file_size(PHIGUARD_BINARY);
    INFO("packaged " << packaged_size << " bytes, built " << built_size << " bytes");
    CHECK(contents.at("./usr/bin/phiguard") == packaged_size);
    CHECK(packaged_size < built_size);
    if (tool_runs({"file", "--version"})) {
        auto const described = run_command({"file", "-L", packaged}, 30s).out;
        INFO("file: " << described);
        CHECK(described.find(", stripped") != std::string::npos);
    }
    auto const check =
        run_command({packaged, "check-config", (root / "etc/phiguard/policy.yaml").string()},
                    policy_compile_limit);
    INFO(check.out << check.err);
    CHECK(check.exit_code == 0);
}

TEST_CASE(
    "deploy: the Kubernetes init container makes a 0440 Secret key usable, which phiguard "
    "refuses as mounted") {
    auto const deployment = YAML::LoadFile((deploy_dir / "k8s" / "deployment.yaml").string());
    auto const pod = deployment["spec"]["template"]["spec"];
    REQUIRE(pod.IsMap());

    // One container, no reload sidecar and no shared process namespace.
    REQUIRE(pod["containers"].IsSequence());
    CHECK(pod["containers"].size() == 1);
    auto const phiguard = pod["containers"][0];
    CHECK(phiguard["name"].as<std::string>() == "phiguard");
    CHECK_FALSE(pod["shareProcessNamespace"]);
    REQUIRE(pod["initContainers"].IsSequence());
    REQUIRE(pod["initContainers"].size() == 1);
    auto const init = pod["initContainers"][0];

    // Volumes: the Secret, and the memory-backed emptyDir the key is copied into.
    YAML::Node secret_volume, ca_volume;
    for (auto const& v : pod["volumes"]) {
        if (v["name"].as<std::string>() == "ca-secret") secret_volume.reset(v);
        if (v["name"].as<std::string>() == "ca") ca_volume.reset(v);
    }
    REQUIRE(secret_volume);
    REQUIRE(ca_volume);
    CHECK(secret_volume["secret"]["secretName"].as<std::string>() == "phiguard-ca");
    REQUIRE(ca_volume["emptyDir"].IsMap());
    CHECK(ca_volume["emptyDir"]["medium"].as<std::string>() == "Memory");
    CHECK_FALSE(ca_volume["secret"]);

    // The Secret is mounted only in the init container; phiguard reads the emptyDir read-only
    // at the directory its --ca-dir names.
    std::string secret_path, init_ca_path, phiguard_ca_path;
    std::size_t secret_mounts = 0;
    bool phiguard_ca_read_only = false;
    for (auto const& m : pod_mounts(pod)) {
        if (m.volume == "ca-secret") {
            ++secret_mounts;
            CHECK(m.container == init["name"].as<std::string>());
            secret_path = m.path;
        }
        if (m.volume == "ca" && m.container == init["name"].as<std::string>()) {
            init_ca_path = m.path;
            CHECK_FALSE(m.read_only);
        }
        if (m.volume == "ca" && m.container == "phiguard") {
            phiguard_ca_path = m.path;
            phiguard_ca_read_only = m.read_only;
        }
    }
    CHECK(secret_mounts == 1);
    CHECK(secret_path == "/run/phiguard-ca-secret");
    CHECK(init_ca_path == "/var/lib/phiguard/ca");
    CHECK(phiguard_ca_path == init_ca_path);
    CHECK(phiguard_ca_read_only);
    bool ca_dir_arg = false;
    for (auto const& a : phiguard["args"])
        ca_dir_arg |= a.as<std::string>() == "--ca-dir=" + phiguard_ca_path;
    CHECK(ca_dir_arg);
    REQUIRE(!secret_path.empty());
    REQUIRE(!init_ca_path.empty());

    // The Secret as the kubelet mounts it: with fsGroup set, read-only volume files get the
    // group read bits on top of defaultMode (kubernetes#57923).
    temp_dir dir;
    auto const secret_dir = dir.file("secret"), ca_dir = dir.file("ca");
    auto const made = run_command({phiguard_binary(), "ca", "init", "--dir", secret_dir}, 60s);
    INFO(made.out << made.err);
    REQUIRE(made.exit_code == 0);
    auto const secret_key = secret_dir + "/phiguard-ca.key";
    auto const secret_pem = secret_dir + "/phiguard-ca.pem";
    REQUIRE(pod["securityContext"]["fsGroup"]);
    auto const kubelet_mode = yaml_file_mode(secret_volume["secret"]["defaultMode"]) | 0440;
    CHECK(kubelet_mode == 0440);
    fs::permissions(secret_key, static_cast<fs::perms>(kubelet_mode), fs::perm_options::replace);
    fs::permissions(secret_pem, static_cast<fs::perms>(kubelet_mode), fs::perm_options::replace);
    REQUIRE(mode_of(secret_key) == 0440);
    auto const policy = dir.write("policy.yaml", "first_party:\n  - portal.examplehealth.org\n");

    // (a) Mounted as is, phiguard refuses the key and does not start.
    auto const refused =
        run_command({phiguard_binary(), "run", "--listen", "127.0.0.1:0", "--admin-listen",
                     "127.0.0.1:0", "--config", policy, "--ca-dir", secret_dir},
                    policy_compile_limit);
    INFO("phiguard run on the Secret:\n" << refused.err);
    CHECK_FALSE(refused.timed_out);
    CHECK(refused.exit_code != 0);
    CHECK(refused.err.find("readable by group") != std::string::npos);
    CHECK(refused.err.find(secret_key) != std::string::npos);
    CHECK(refused.err.find("mode 0440") != std::string::npos);

    // (b) The init container's own command, on our directories.
    REQUIRE(init["command"].IsSequence());
    REQUIRE(init["args"].IsSequence());
    std::vector<std::string> argv;
    for (auto const& c : init["command"]) argv.push_back(c.as<std::string>());
    for (auto const& a : init["args"]) argv.push_back(a.as<std::string>());
    REQUIRE(argv.size() == 3);
    CHECK(argv[0] == "/bin/sh");
    CHECK(argv[1] == "-c");
    REQUIRE(argv[2].find(secret_path + "/") != std::string::npos);
    REQUIRE(argv[2].find(init_ca_path + "/") != std::string::npos);
    argv[2] = replace_all(replace_all(argv[2], secret_path, secret_dir), init_ca_path, ca_dir);
    fs::create_directory(ca_dir);  // the kubelet creates the emptyDir
    auto const copied = run_command(argv, 30s);
    INFO("init container: " << argv[2] << "\n" << copied.out << copied.err);
    REQUIRE(copied.exit_code == 0);
    auto const key = ca_dir + "/phiguard-ca.key", pem = ca_dir + "/phiguard-ca.pem";
    CHECK(mode_of(key) == 0600);
    CHECK(mode_of(pem) == 0644);
    CHECK(read_file_text(key) == read_file_text(secret_key));
    CHECK(read_file_text(pem) == read_file_text(secret_pem));
    CHECK(mode_of(secret_key) == 0440);  // the Secret itself is untouched

    proxy_process proxy({"run", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                         "--config", policy, "--ca-dir", ca_dir});
    INFO("phiguard stderr:\n" << proxy.stderr_text());
    CHECK(proxy.stderr_text().find("intercepting TLS with the CA in " + ca_dir) !=
          std::string::npos);
    auto const ready = admin_get(admin_port(proxy), "/readyz");
    INFO(ready.describe());
    CHECK(ready.status() == 200);
}

TEST_CASE(
    "deploy: a Kubernetes ConfigMap update (..data symlink swap) reloads the policy without a "
    "signal") {
    // The kubelet's layout of a ConfigMap volume: the file is a symlink through ..data into a
    // timestamped directory, and an update writes a new directory and swaps ..data atomically.
    temp_dir dir;
    auto const volume = dir.path() / "policy";
    auto const write_version = [&](const std::string& version, const std::string& text) {
        fs::create_directories(volume / version);
        std::ofstream(volume / version / "policy.yaml", std::ios::binary) << text;
        return volume / version / "policy.yaml";
    };
    auto const swap_data_to = [&](const std::string& version) {
        fs::create_directory_symlink(version, volume / "..data_tmp");
        fs::rename(volume / "..data_tmp", volume / "..data");
    };
    auto const first =
        write_version("..2026_11_24_a", "first_party:\n  - portal.examplehealth.org\n");
    fs::create_directory_symlink("..2026_11_24_a", volume / "..data");
    fs::create_symlink("..data/policy.yaml", volume / "policy.yaml");
    auto const config = (volume / "policy.yaml").string();

    origin o;
    auto const authority = "fhir.epic.com:" + std::to_string(o.port());
    proxy_process proxy({"run", "--listen", "127.0.0.1:0", "--no-intercept", "--admin-listen", "",
                         "--resolve", authority + ":127.0.0.1", "--config", config});
    auto const body = epic_patient().body;
    auto const phi_request =
        "POST http://" + authority + "/echo HTTP/1.1\r\nHost: " + authority +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body;
    auto const logged = [&](const std::string& text) {
        return wait_until([&] { return proxy.stderr_text().find(text) != std::string::npos; },
                          policy_compile_limit, 20ms);
    };
    INFO("proxy stderr:\n" << proxy.stderr_text());

    raw_connection c(proxy.port());
    REQUIRE(c.send(phi_request));
    auto const before = c.read_response(10s);
    REQUIRE_MESSAGE(before, "received: " << c.received());
    CHECK(before->status == 403);  // no BAA with Epic yet
    CHECK(o.requests() == 0);

    // Update 1: a BAA for Epic, in a file dated an hour before the one it replaces.
    auto const second = write_version("..2026_11_24_b", test_policy(date_in_days(730)));
    auto const first_mtime = fs::last_write_time(first);
    fs::last_write_time(second, first_mtime - 1h);
    auto swapped = std::chrono::steady_clock::now();
    swap_data_to("..2026_11_24_b");
    fs::remove_all(volume / "..2026_11_24_a");  // the kubelet drops the old version
    REQUIRE(fs::last_write_time(config) == first_mtime - 1h);
    REQUIRE(read_file_text(config).find("BAA-TEST-EPIC") != std::string::npos);
    REQUIRE(logged("reload (policy file changed): policy generation 2 in force"));
    MESSAGE("older-dated swap reloaded after " << ms_since(swapped) << " ms");

    REQUIRE(c.send(phi_request));
    auto const allowed = c.read_response(10s);
    REQUIRE_MESSAGE(allowed, "received: " << c.received());
    CHECK(allowed->status == 200);
    CHECK(allowed->body.find("body-length: " + std::to_string(body.size())) != std::string::npos);
    CHECK(o.requests() == 1);

    // Update 2: the BAA has lapsed. Same size, same timestamp: only the inode tells.
    auto const third = write_version("..2026_11_24_c", test_policy("2025-06-30"));
    REQUIRE(fs::file_size(third) == fs::file_size(second));
    fs::last_write_time(third, fs::last_write_time(second));
    REQUIRE(fs::last_write_time(third) == fs::last_write_time(second));
    swapped = std::chrono::steady_clock::now();
    swap_data_to("..2026_11_24_c");
    fs::remove_all(volume / "..2026_11_24_b");
    REQUIRE(logged("reload (policy file changed): policy generation 3 in force"));
    MESSAGE("same-size, same-time swap reloaded after " << ms_since(swapped) << " ms");

    REQUIRE(c.send(phi_request));
    auto const blocked = c.read_response(10s);
    REQUIRE_MESSAGE(blocked, "received: " << c.received());
    CHECK(blocked->status == 403);
    CHECK(blocked->body.find("baa-expired-phi") != std::string::npos);
    CHECK(o.requests() == 1);

    auto const err = proxy.stderr_text();
    CHECK(count_of(err, "reload (") == 2);
    CHECK(err.find("SIGHUP") == std::string::npos);
}
