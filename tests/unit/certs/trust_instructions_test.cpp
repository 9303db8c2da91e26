#include "certs/trust_instructions.hpp"

#include <doctest/doctest.h>

TEST_CASE("certs trust_instructions: names the certificate and every platform's command") {
    const std::string text =
        phiguard::certs::trust_instructions("/var/lib/phiguard/ca/phiguard-ca.pem");
    CHECK(text.find("sudo cp /var/lib/phiguard/ca/phiguard-ca.pem "
                    "/usr/local/share/ca-certificates/phiguard-ca.crt") != std::string::npos);
    CHECK(text.find("update-ca-certificates") != std::string::npos);
    CHECK(text.find("/etc/pki/ca-trust/source/anchors/") != std::string::npos);
    CHECK(text.find("update-ca-trust") != std::string::npos);
    CHECK(text.find("security add-trusted-cert -d -r trustRoot") != std::string::npos);
    CHECK(text.find("certutil -addstore -f Root") != std::string::npos);
    CHECK(text.find("Trusted Root Certification Authorities") != std::string::npos);
    CHECK(text.find("ImportEnterpriseRoots") != std::string::npos);
    CHECK(text.find("/var/lib/phiguard/ca/phiguard-ca.key") != std::string::npos);
}
