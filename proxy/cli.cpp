#include "proxy/cli.hpp"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <iostream>

#include "policy/config/loader.hpp"
#include "proxy/cmd_ca.hpp"
#include "proxy/cmd_inspect.hpp"
#include "proxy/run_options.hpp"
#include "proxy/version.hpp"

namespace phiguard::proxy {
namespace {

void add_run(CLI::App& app, run_options& o) {
    auto* run = app.add_subcommand("run", "Run the proxy");
    run->add_option("--config", o.config_file, "Policy file (default: the embedded policy)")
        ->check(CLI::ExistingFile);
    run->add_option("--listen", o.listen, "HOST:PORT to listen on (repeatable; port 0 = any)");
    run->add_option("--resolve", o.resolve, "HOST:PORT:ADDR: pin a host name (repeatable)");
    run->add_option("--connect-to", o.connect_to,
                    "HOST1:PORT1:HOST2:PORT2: send one destination to another (repeatable)");
    run->add_option("--allow-upstream", o.allow_upstream,
                    "CIDR exempt from the private/loopback destination guard (repeatable)");
    run->add_option("--access-log", o.access_log, "Access log file (JSON lines; - for stdout)");
    run->add_option("--admin-listen", o.admin_listen,
                    "HOST:PORT for /healthz, /readyz, /metrics (default 127.0.0.1:9090; \"\" off)");
    run->add_option("--alert-log", o.alert_log,
                    "Alert log (ECS JSON lines): a file, - for stdout, or syslog");
    run->add_option("--mode", o.mode, "enforce (block) or monitor (log what would be blocked)")
        ->check(CLI::IsMember({"enforce", "monitor"}));
    run->add_option("--threads", o.threads, "I/O threads (default: one per core)")
        ->check(CLI::Range(1u, 256u));
    run->add_option("--ca-dir", o.ca_dir, "Directory of the interception CA");
    run->add_option("--cache-dir", o.cache_dir,
                    "Directory for compiled pattern databases (default $CACHE_DIRECTORY, "
                    "$XDG_CACHE_HOME/phiguard or ~/.cache/phiguard; \"\" off)");
    run->add_flag("--no-intercept", o.no_intercept, "Tunnel CONNECT without TLS interception");
    run->add_option("--upstream-ca", o.upstream_ca,
                    "Extra CA file trusted for origins (repeatable)");
}

void add_inspect_options(CLI::App* cmd, inspect_args& a) {
    cmd->add_option("--config", a.config_file, "Policy file (default: the embedded policy)")
        ->check(CLI::ExistingFile);
    cmd->add_option("--url", a.url, "Absolute URL of the request")->required();
    cmd->add_option("--method", a.method, "HTTP method")->capture_default_str();
    cmd->add_option("--header", a.headers, "'Name: value' (repeatable)");
    cmd->add_option("--body-file", a.body_file, "Request body")->check(CLI::ExistingFile);
    cmd->add_flag("--json", a.json, "Print JSON");
}

}  // namespace

int cli_main(int argc, char** argv) {
    CLI::App app{"phiguard: keeps protected health information from leaking to trackers",
                 "phiguard"};
    app.require_subcommand(0, 1);
    bool show_version = false;
    app.add_flag("--version", show_version, "Print the version and exit");

    run_options run;
    add_run(app, run);

    auto* ca = app.add_subcommand("ca", "Manage the local interception CA");
    ca->require_subcommand(1);
    std::string ca_dir = default_ca_dir;
    std::string key_type = "ecdsa-p256";
    int validity_days = 3650;
    auto* ca_init = ca->add_subcommand("init", "Create a CA (never overwrites one)");
    ca_init->add_option("--dir", ca_dir, "Where to create it")->capture_default_str();
    ca_init->add_option("--key-type", key_type, "ecdsa-p256 or rsa-3072")
        ->check(CLI::IsMember({"ecdsa-p256", "rsa-3072"}))
        ->capture_default_str();
    ca_init->add_option("--validity-days", validity_days, "Certificate lifetime")
        ->check(CLI::Range(1, 36500))
        ->capture_default_str();
    auto* ca_show = ca->add_subcommand("show", "Print the CA's subject, fingerprint and expiry");
    ca_show->add_option("--dir", ca_dir, "CA directory")->capture_default_str();

    std::string config_file;
    auto* check = app.add_subcommand("check-config", "Validate a policy file");
    check->add_option("file", config_file, "Policy file")->required();

    inspect_args scan_args, explain_args;
    auto* scan = app.add_subcommand("scan", "Show the destination and PHI findings of a request");
    add_inspect_options(scan, scan_args);
    auto* explain =
        app.add_subcommand("explain", "Show the verdict for a request, the rule and the BAA");
    add_inspect_options(explain, explain_args);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    }
    if (show_version) {
        std::printf("phiguard %s\n", std::string(version()).c_str());
        return 0;
    }
    if (app.got_subcommand("run")) return run_proxy(run);
    if (ca_init->parsed())
        return cmd_ca_init(
            ca_dir,
            key_type == "rsa-3072" ? certs::key_kind::rsa_3072 : certs::key_kind::ecdsa_p256,
            validity_days);
    if (ca_show->parsed()) return cmd_ca_show(ca_dir);
    if (check->parsed()) return cmd_check_config(config_file);
    if (scan->parsed()) return cmd_scan(scan_args);
    if (explain->parsed()) return cmd_explain(explain_args);
    std::cout << app.help();
    return 2;
}

}  // namespace phiguard::proxy
