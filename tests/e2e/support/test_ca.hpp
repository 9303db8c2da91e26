#pragma once
#include <string>
#include <vector>

#include "support/temp_dir.hpp"

namespace phiguard::e2e {

/// How the origin's leaf is made, so tests can show each upstream verification failure.
enum class leaf_kind {
    ca_signed,    // signed by the test CA, valid for two days
    expired,      // signed by the test CA, its notAfter already past
    self_signed,  // signed by its own key; the test CA never saw it
};

/// The origin's leaf: its DNS names (IP 127.0.0.1 is always added) and how it is signed.
struct leaf_options {
    std::vector<std::string> dns_names{"localhost", "origin.test"};
    leaf_kind kind = leaf_kind::ca_signed;
};

/// A throw-away CA and a leaf for "localhost", "origin.test" and 127.0.0.1 it signed, made
/// with the openssl CLI in a private temp dir — the origin's HTTPS identity, trusted by curl
/// through --cacert and by the proxy through --upstream-ca.
class test_ca {
public:
    /// Creates the files; throws std::runtime_error with openssl's output on failure.
    test_ca();
    /// The same with a leaf made as `leaf` says (e.g. posing as www.facebook.com, or expired).
    explicit test_ca(const leaf_options& leaf);
    const std::string& ca_file() const { return ca_file_; }
    const std::string& leaf_cert_file() const { return leaf_cert_; }
    const std::string& leaf_key_file() const { return leaf_key_; }

private:
    temp_dir dir_;
    std::string ca_file_;
    std::string leaf_cert_;
    std::string leaf_key_;
};

}  // namespace phiguard::e2e
