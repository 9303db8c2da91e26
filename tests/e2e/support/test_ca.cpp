#include "e2e/support/test_ca.hpp"

#include <stdexcept>
#include <vector>

#include "e2e/support/command.hpp"

namespace phiguard::e2e {

namespace {

void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv{"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto const r = run_command(argv, std::chrono::seconds(30));
    if (r.exit_code != 0) {
        throw std::runtime_error("openssl " + args.at(0) + " failed: " + r.err + r.out);
    }
}

}  // namespace

test_ca::test_ca() : test_ca(leaf_options{}) {}

test_ca::test_ca(const leaf_options& leaf)
    : ca_file_(dir_.file("ca.pem")),
      leaf_cert_(dir_.file("leaf.pem")),
      leaf_key_(dir_.file("leaf.key")) {
    auto const ca_key = dir_.file("ca.key");
    auto const csr = dir_.file("leaf.csr");
    std::string san = "subjectAltName=";
    for (auto const& name : leaf.dns_names) san += "DNS:" + name + ",";
    san += "IP:127.0.0.1";
    auto const ext = dir_.write("leaf.ext",
                                "basicConstraints=critical,CA:FALSE\n"
                                "keyUsage=critical,digitalSignature,keyEncipherment\n"
                                "extendedKeyUsage=serverAuth\n" +
                                    san + "\n");
    auto const subject =
        "/CN=" + (leaf.dns_names.empty() ? std::string("localhost") : leaf.dns_names.front());
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", ca_key, "-out", ca_file_, "-days", "2", "-subj", "/CN=phiguard e2e CA",
             "-addext", "basicConstraints=critical,CA:TRUE", "-addext",
             "keyUsage=critical,keyCertSign,cRLSign"});
    if (leaf.kind == leaf_kind::self_signed) {
        openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                 "-keyout", leaf_key_, "-out", leaf_cert_, "-days", "2", "-subj", subject,
                 "-addext", san});
        return;
    }
    openssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", leaf_key_, "-out", csr, "-subj", subject});
    // -days -1 puts notAfter a day before notBefore (now): expired from the start.
    openssl({"x509", "-req", "-in", csr, "-CA", ca_file_, "-CAkey", ca_key, "-CAcreateserial",
             "-days", leaf.kind == leaf_kind::expired ? "-1" : "2", "-out", leaf_cert_, "-extfile",
             ext});
}

}  // namespace phiguard::e2e
