#include "proxy/cmd_ca.hpp"

#include "certs/authority.hpp"
#include "certs/ca.hpp"
#include "certs/error.hpp"
#include "certs/trust_instructions.hpp"

namespace phiguard::proxy {

int cmd_ca_init(const std::filesystem::path& dir, certs::key_kind key, int validity_days,
                std::ostream& out, std::ostream& err) {
    try {
        certs::ca_options options;
        options.key = key;
        options.validity_days = validity_days;
        const certs::ca_files files = certs::create_ca(dir, options);
        const certs::ca_info info = certs::authority::load(dir)->info();
        out << "Created the phiguard CA (" << info.key << ", valid until " << info.not_after
            << ")\n"
            << "  certificate: " << files.cert.string() << "  (give this to clients)\n"
            << "  private key: " << files.key.string() << "  (mode 0600; keep it secret)\n"
            << "  SHA-256 fingerprint: " << info.sha256_fingerprint << "\n\n"
            << certs::trust_instructions(files.cert);
        return 0;
    } catch (const certs::error& e) {
        err << "phiguard ca init: " << e.what() << "\n";
        return 1;
    }
}

int cmd_ca_show(const std::filesystem::path& dir, std::ostream& out, std::ostream& err) {
    try {
        // The certificate alone is public: show it even to a user who may not
        // read the key, then say whether `run` would accept the CA.
        const certs::ca_files files = certs::ca_paths(dir);
        const certs::ca_info info = certs::describe_ca(certs::read_ca_cert(files.cert, dir).get());
        out << "certificate: " << files.cert.string() << "\n"
            << "subject:     " << info.subject << "\n"
            << "sha256:      " << info.sha256_fingerprint << "\n"
            << "not before:  " << info.not_before << "\n"
            << "not after:   " << info.not_after << "\n"
            << "key:         " << info.key << "\n";
        certs::authority::load(dir);
        out << "status:      ok, usable by phiguard run\n";
        return 0;
    } catch (const certs::error& e) {
        err << "phiguard ca show: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace phiguard::proxy
