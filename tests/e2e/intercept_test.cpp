// TLS interception through the real proxy: curl and openssl see leaves minted by the phiguard
// CA, every upstream certificate is verified (and a failure named on a 502), no-intercept hosts
// are spliced, and odd clients never stop the proxy from serving.
#include "e2e/intercept_fixture.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include <filesystem>
#include <string>

#include "e2e/admin_endpoint.hpp"
#include "e2e/support/command.hpp"
#include "e2e/support/curl.hpp"
#include "e2e/support/origin.hpp"
#include "e2e/support/proxy_process.hpp"
#include "e2e/support/raw_connection.hpp"
#include "support/temp_dir.hpp"

using namespace phiguard::e2e;
using namespace std::chrono_literals;

namespace {

std::string const hello_url = "https://origin.test/hello";

// What `openssl s_client` saw through the proxy: its stderr/stdout and the leaf in PEM.
struct tls_view {
    command_result run;
    std::string leaf_pem;
};

tls_view s_client(const proxy_process& proxy, const std::string& host, const std::string& ca_file,
                  bool send_sni = true) {
    std::vector<std::string> argv{"openssl",
                                  "s_client",
                                  "-proxy",
                                  "127.0.0.1:" + std::to_string(proxy.port()),
                                  "-connect",
                                  host + ":443",
                                  "-CAfile",
                                  ca_file,
                                  "-verify_return_error",
                                  "-verify_hostname",
                                  host};
    if (send_sni) {
        argv.insert(argv.end(), {"-servername", host});
    } else {
        argv.push_back("-noservername");
    }
    tls_view v;
    v.run = run_command(argv, 15s);
    // The first PEM block s_client printed is the leaf. (No std::regex: GCC 12 reports
    // false maybe-uninitialized errors inside it under the sanitizers.)
    constexpr std::string_view begin = "-----BEGIN CERTIFICATE-----";
    constexpr std::string_view end = "-----END CERTIFICATE-----";
    auto const from = v.run.out.find(begin);
    auto const to = from == std::string::npos ? from : v.run.out.find(end, from);
    if (to != std::string::npos) v.leaf_pem = v.run.out.substr(from, to + end.size() - from) + "\n";
    return v;
}

bool verified(const tls_view& v) {
    return v.run.out.find("Verify return code: 0 (ok)") != std::string::npos;
}

// `openssl x509 -noout OPTIONS` on a PEM written to `dir`.
std::string x509(const temp_dir& dir, const std::string& pem, std::vector<std::string> options) {
    auto const file = dir.write("cert-" + std::to_string(pem.size()) + ".pem", pem);
    std::vector<std::string> argv{"openssl", "x509", "-in", file, "-noout"};
    argv.insert(argv.end(), options.begin(), options.end());
    auto const r = run_command(argv, 10s);
    return r.out + r.err;
}

std::string subject_of(const std::string& file) {
    auto const r = run_command({"openssl", "x509", "-in", file, "-noout", "-subject"}, 10s);
    auto text = r.out;
    auto const eq = text.find('=');
    text = eq == std::string::npos ? text : text.substr(eq + 1);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    while (!text.empty() && text.front() == ' ') text.erase(0, 1);
    return text;
}

std::vector<std::string> without_upstream_ca(std::vector<std::string> args) {
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == "--upstream-ca") {
            args.erase(args.begin() + static_cast<std::ptrdiff_t>(i),
                       args.begin() + static_cast<std::ptrdiff_t>(i) + 2);
            break;
        }
    }
    return args;
}

// One CONNECT through a raw socket, its 200 read; the socket is left for the test to abuse.
void connect_raw(raw_connection& c, const std::string& host) {
    auto const authority = host + ":443";
    REQUIRE(c.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
    auto const established = c.read_response(5s, true);
    REQUIRE_MESSAGE(established, "received: " << c.received());
    REQUIRE(established->status == 200);
}

// The upstream verification failure cases share one shape: 502 naming `cause`, nothing served.
void check_refused_upstream(const origin& o, const proxy_process& proxy, const phiguard_ca& ca,
                            const std::string& url, const std::string& cause) {
    auto const r = curl_intercepted(proxy.url(), ca, {url});
    INFO(r.describe());
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(r.status() == 502);
    CHECK(r.body().find(cause) != std::string::npos);
    CHECK(o.requests() == 0);
    CHECK(r.body().find(origin::hello_body) == std::string::npos);
}

}  // namespace

TEST_CASE("intercept: curl trusting only the phiguard CA gets the HTTPS origin's body") {
    origin o(posing_leaf());
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o), {}, policy_compile_limit);
    auto const r = curl_intercepted(proxy.url(), ca, {hello_url});
    INFO(r.describe());
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(r.run.exit_code == 0);
    CHECK(r.status() == 200);
    CHECK(r.body() == origin::hello_body);
    REQUIRE(o.requests() == 1);
    CHECK(o.records().at(0).target == "/hello");
    CHECK(o.records().at(0).header("Host") == "origin.test");

    // The same client trusting only the origin's own CA is refused: it saw a minted leaf.
    auto const direct = curl(proxy.url(), {"--cacert", o.ca_file(), hello_url}, 20s);
    INFO(direct.describe());
    CHECK(direct.run.exit_code == 60);  // CURLE_PEER_FAILED_VERIFICATION
    CHECK(o.requests() == 1);
}

TEST_CASE("intercept: openssl sees a leaf issued by the phiguard CA with the host in its SAN") {
    origin o(posing_leaf());
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o), {}, policy_compile_limit);
    auto const v = s_client(proxy, "www.facebook.com", ca.cert());
    INFO(v.run.out);
    INFO(v.run.err);
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(verified(v));
    REQUIRE_FALSE(v.leaf_pem.empty());

    auto const ca_subject = subject_of(ca.cert());
    REQUIRE_FALSE(ca_subject.empty());
    auto const issuer = x509(dir, v.leaf_pem, {"-issuer"});
    CHECK(issuer.find(ca_subject) != std::string::npos);
    auto const san = x509(dir, v.leaf_pem, {"-ext", "subjectAltName"});
    CHECK(san.find("DNS:www.facebook.com") != std::string::npos);
    CHECK(san.find("origin.test") == std::string::npos);  // the origin's own names stay hidden
    auto const basic = x509(dir, v.leaf_pem, {"-ext", "basicConstraints,extendedKeyUsage"});
    CHECK(basic.find("CA:FALSE") != std::string::npos);
    CHECK(basic.find("TLS Web Server Authentication") != std::string::npos);
}

TEST_CASE("intercept: an expired upstream certificate gives a 502 naming it") {
    leaf_options leaf;
    leaf.dns_names = {"origin.test"};
    leaf.kind = leaf_kind::expired;
    origin o(leaf);
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o), {}, policy_compile_limit);
    check_refused_upstream(o, proxy, ca, hello_url, "certificate has expired");
}

TEST_CASE("intercept: a self-signed upstream certificate gives a 502 naming it") {
    leaf_options leaf;
    leaf.dns_names = {"origin.test"};
    leaf.kind = leaf_kind::self_signed;
    origin o(leaf);
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o), {}, policy_compile_limit);
    check_refused_upstream(o, proxy, ca, hello_url, "self-signed certificate");
}

TEST_CASE("intercept: an upstream certificate for another host gives a 502 naming it") {
    origin o(origin::transport::https);  // valid for localhost and origin.test only
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o, {}, {"elsewhere.test"}), {}, policy_compile_limit);
    check_refused_upstream(o, proxy, ca, "https://elsewhere.test/hello",
                           "certificate is for another host");
}

TEST_CASE("intercept: an upstream certificate from an unknown CA gives a 502 naming it") {
    origin o(posing_leaf());
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(without_upstream_ca(intercept_args(ca, o)), {}, policy_compile_limit);
    check_refused_upstream(o, proxy, ca, hello_url, "unknown certificate authority");
}

TEST_CASE("intercept: a no-intercept host is spliced and the client sees the origin's own leaf") {
    origin o(posing_leaf());
    temp_dir dir;
    phiguard_ca ca(dir);
    auto const config =
        dir.write("policy.yaml", "tls:\n  no_intercept: [bank.example-pinned.com]\n");
    proxy_process proxy(intercept_args(ca, o, {"--config", config}), {}, policy_compile_limit);

    auto const spliced = s_client(proxy, "bank.example-pinned.com", o.ca_file());
    INFO(spliced.run.out);
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(verified(spliced));
    REQUIRE_FALSE(spliced.leaf_pem.empty());
    auto const issuer = x509(dir, spliced.leaf_pem, {"-issuer"});
    CHECK(issuer.find(subject_of(o.ca_file())) != std::string::npos);
    CHECK(issuer.find(subject_of(ca.cert())) == std::string::npos);

    auto const r =
        curl(proxy.url(), {"--cacert", o.ca_file(), "https://bank.example-pinned.com/hello"}, 20s);
    INFO(r.describe());
    CHECK(r.status() == 200);
    CHECK(r.body() == origin::hello_body);

    // Intercepted hosts keep getting minted leaves from the same proxy.
    auto const bumped = s_client(proxy, "origin.test", ca.cert());
    INFO(bumped.run.out);
    CHECK(verified(bumped));
}

TEST_CASE("intercept: a client without SNI gets a leaf for the CONNECT host") {
    origin o(posing_leaf());
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o), {}, policy_compile_limit);
    auto const v = s_client(proxy, "origin.test", ca.cert(), false);
    INFO(v.run.out);
    INFO(v.run.err);
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(verified(v));
    REQUIRE_FALSE(v.leaf_pem.empty());
    CHECK(x509(dir, v.leaf_pem, {"-ext", "subjectAltName"}).find("DNS:origin.test") !=
          std::string::npos);
    auto const after = curl_intercepted(proxy.url(), ca, {hello_url});
    INFO(after.describe());
    CHECK(after.status() == 200);
}

TEST_CASE("intercept: non-TLS bytes after CONNECT get a 400 and the proxy keeps serving") {
    origin o(posing_leaf());
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o), {}, policy_compile_limit);
    raw_connection c(proxy.port());
    connect_raw(c, "origin.test");
    REQUIRE(c.send("GET /hello HTTP/1.1\r\nHost: origin.test\r\n\r\n"));
    auto const refused = c.read_response(5s);
    INFO("proxy stderr:\n" << proxy.stderr_text());
    REQUIRE_MESSAGE(refused, "received: " << c.received());
    CHECK(refused->status == 400);
    CHECK(c.wait_closed(5s));
    CHECK(o.requests() == 0);

    auto const after = curl_intercepted(proxy.url(), ca, {hello_url});
    INFO(after.describe());
    CHECK(after.status() == 200);
    CHECK(o.requests() == 1);
}

TEST_CASE("intercept: clients that abort the TLS handshake do not stop the proxy") {
    origin o(posing_leaf());
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o), {}, policy_compile_limit);
    {
        // A record header promising a 512-byte ClientHello, then a few bytes of it, then gone.
        raw_connection c(proxy.port());
        connect_raw(c, "origin.test");
        REQUIRE(c.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)));
    }
    {
        // A whole handshake started by openssl, which gives up at once: the client does not
        // trust the leaf (no CA given) and -verify_return_error aborts.
        auto const v = run_command(
            {"openssl", "s_client", "-proxy", "127.0.0.1:" + std::to_string(proxy.port()),
             "-connect", "origin.test:443", "-servername", "origin.test", "-verify_return_error",
             "-CAfile", o.ca_file()},
            15s);
        CHECK(v.out.find("Verify return code: 0 (ok)") == std::string::npos);
    }
    {
        // CONNECT and silence, then a close.
        raw_connection c(proxy.port());
        connect_raw(c, "origin.test");
        c.shutdown_write();
    }
    INFO("proxy stderr:\n" << proxy.stderr_text());
    CHECK(proxy.running());
    auto const after = curl_intercepted(proxy.url(), ca, {hello_url, hello_url});
    INFO(after.describe());
    REQUIRE(after.transfers.size() == 2);
    CHECK(after.transfers[0].status == 200);
    CHECK(after.transfers[1].status == 200);
    CHECK(o.requests() == 2);
}

TEST_CASE("intercept: a second connection to the same host gets the same cached leaf") {
    origin o(posing_leaf());
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o), {}, policy_compile_limit);
    auto const first = s_client(proxy, "www.facebook.com", ca.cert());
    auto const second = s_client(proxy, "www.facebook.com", ca.cert());
    auto const other = s_client(proxy, "graph.facebook.com", ca.cert());
    INFO(first.run.out);
    INFO("proxy stderr:\n" << proxy.stderr_text());
    REQUIRE_FALSE(first.leaf_pem.empty());
    REQUIRE_FALSE(other.leaf_pem.empty());
    // Serials are random per mint, so identical certificates mean the cache answered.
    CHECK(second.leaf_pem == first.leaf_pem);
    CHECK(other.leaf_pem != first.leaf_pem);
}

TEST_CASE(
    "intercept: a host's leaf is minted on its first connection, then served from the cache") {
    origin o(posing_leaf());
    temp_dir dir;
    phiguard_ca ca(dir);
    proxy_process proxy(intercept_args(ca, o, {"--admin-listen", "127.0.0.1:0"}), {},
                        policy_compile_limit);
    auto const admin = admin_port(proxy);
    struct cache_counts {
        double hits, misses, mints;
    };
    std::string last;
    auto counts = [&] {
        last = admin_get(admin, "/metrics").body();
        return cache_counts{metric_value(last, "phiguard_cert_cache_hits_total"),
                            metric_value(last, "phiguard_cert_cache_misses_total"),
                            metric_value(last, "phiguard_cert_mints_total")};
    };
    auto fetch = [&](const std::string& host) {
        auto const r = curl_intercepted(proxy.url(), ca, {"https://" + host + "/hello"});
        INFO(r.describe());
        INFO("proxy stderr:\n" << proxy.stderr_text());
        CHECK(r.status() == 200);
        CHECK(r.body() == origin::hello_body);
    };

    auto const start = counts();
    REQUIRE(start.hits >= 0);
    REQUIRE(start.misses >= 0);
    REQUIRE(start.mints >= 0);

    fetch("origin.test");  // first connection to host A: looked up, not found, minted
    auto const first = counts();
    {
        INFO("after the first connection to origin.test:\n" << last);
        CHECK(first.misses - start.misses == 1);
        CHECK(first.mints - start.mints == 1);
        CHECK(first.hits - start.hits == 0);
    }

    fetch("origin.test");  // second connection to A: served from the cache
    auto const second = counts();
    {
        INFO("after the second connection to origin.test:\n" << last);
        CHECK(second.hits - first.hits == 1);
        CHECK(second.misses - first.misses == 0);
        CHECK(second.mints - first.mints == 0);
    }

    fetch("api.twilio.com");  // another host B: a miss and a mint of its own
    auto const third = counts();
    {
        INFO("after the first connection to api.twilio.com:\n" << last);
        CHECK(third.misses - second.misses == 1);
        CHECK(third.mints - second.mints == 1);
        CHECK(third.hits - second.hits == 0);
    }
}

TEST_CASE("intercept: run refuses a CA key readable by group and others, naming chmod") {
    temp_dir dir;
    phiguard_ca ca(dir);
    std::filesystem::permissions(ca.key(), std::filesystem::perms(0644));
    auto const r = run_command(
        {phiguard_binary(), "run", "--listen", "127.0.0.1:0", "--ca-dir", ca.ca_dir()}, 15s);
    INFO(r.out);
    INFO(r.err);
    CHECK_FALSE(r.timed_out);
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("chmod 600") != std::string::npos);
    CHECK(r.err.find(ca.key()) != std::string::npos);
    CHECK(r.err.find("listening on") == std::string::npos);
}
