#include "certs/trust_instructions.hpp"

namespace phiguard::certs {

std::string trust_instructions(const std::filesystem::path& cert) {
    const std::string c = cert.string();
    // Debian's update-ca-certificates only picks up files ending in .crt.
    return "Trust this CA on every client whose traffic phiguard intercepts:\n"
           "  Debian/Ubuntu: sudo cp " +
           c +
           " /usr/local/share/ca-certificates/phiguard-ca.crt"
           " && sudo update-ca-certificates\n"
           "  RHEL/Fedora:   sudo cp " +
           c +
           " /etc/pki/ca-trust/source/anchors/phiguard-ca.pem"
           " && sudo update-ca-trust extract\n"
           "  macOS:         sudo security add-trusted-cert -d -r trustRoot"
           " -k /Library/Keychains/System.keychain " +
           c +
           "\n"
           "  Windows, one machine (admin): certutil -addstore -f Root phiguard-ca.pem\n"
           "  Windows, domain (GPO): Group Policy Management > Computer Configuration > Policies"
           " > Windows Settings > Security Settings > Public Key Policies > Trusted Root"
           " Certification Authorities > Import phiguard-ca.pem\n"
           "  Firefox (Windows/macOS): enterprise policy \"Certificates\": "
           "{\"ImportEnterpriseRoots\":"
           " true} (uses the system store above)\n"
           "  Firefox (Linux): policies.json \"Certificates\": {\"Install\": [\"" +
           c +
           "\"]}\n"
           "  Node.js: NODE_EXTRA_CA_CERTS=" +
           c +
           "\n"
           "  Python requests: REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt (the system"
           " bundle, after the Debian step)\n"
           "  Java: keytool -importcert -cacerts -alias phiguard -file " +
           c +
           "\n"
           "Never copy " +
           (cert.parent_path() / "phiguard-ca.key").string() +
           " anywhere: whoever holds it can impersonate any web site to these clients.\n";
}

}  // namespace phiguard::certs
