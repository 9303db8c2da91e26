#include "proxy/tls/verify_failure.hpp"

#include <doctest/doctest.h>

using phiguard::proxy::tls::describe_verify_failure;

TEST_CASE("proxy tls verify_failure: each common cause has a short name") {
    CHECK(describe_verify_failure(X509_V_ERR_CERT_HAS_EXPIRED) == "certificate has expired");
    CHECK(describe_verify_failure(X509_V_ERR_CERT_NOT_YET_VALID) == "certificate is not yet valid");
    CHECK(describe_verify_failure(X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) ==
          "self-signed certificate");
    CHECK(describe_verify_failure(X509_V_ERR_HOSTNAME_MISMATCH) ==
          "certificate is for another host");
    CHECK(describe_verify_failure(X509_V_ERR_IP_ADDRESS_MISMATCH) ==
          "certificate is for another host");
    CHECK(describe_verify_failure(X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY) ==
          "unknown certificate authority");
    CHECK(describe_verify_failure(X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN)
              .find("unknown certificate authority") != std::string::npos);
    CHECK(describe_verify_failure(X509_V_ERR_CERT_REVOKED) == "certificate has been revoked");
}

TEST_CASE("proxy tls verify_failure: other codes keep OpenSSL's own words") {
    CHECK(describe_verify_failure(X509_V_ERR_CERT_UNTRUSTED) ==
          std::string("certificate verification failed: ") +
              X509_verify_cert_error_string(X509_V_ERR_CERT_UNTRUSTED));
}
