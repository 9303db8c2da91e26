#include "certs/leaf_minter.hpp"

#include "certs/error.hpp"
#include "certs/host_name.hpp"
#include "certs/leaf_key.hpp"
#include "certs/x509_build.hpp"

namespace phiguard::certs {

leaf_minter::leaf_minter(std::shared_ptr<const authority> ca, int validity_days)
    : ca_(std::move(ca)), validity_days_(validity_days) {
    if (!ca_) throw error("leaf_minter needs a loaded CA");
    if (validity_days < 1 || validity_days > 397)
        throw error("leaf validity must be 1 to 397 days (got " + std::to_string(validity_days) +
                    ")");
    key_ = share_key(generate_leaf_key());

    // No subjectKeyIdentifier: every leaf shares one key, and identical SKIs on
    // different certificates confuse Windows SChannel (mitmproxy #6494).
    const std::pair<int, const char*> fixed[] = {
        {NID_basic_constraints, "critical,CA:FALSE"},
        {NID_key_usage, EVP_PKEY_is_a(key_.get(), "RSA")
                            ? "critical,digitalSignature,keyEncipherment"
                            : "critical,digitalSignature"},
        {NID_ext_key_usage, "serverAuth"},
        {NID_authority_key_identifier, "keyid"},
    };
    x509_ptr probe(X509_new());
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, ca_->cert(), probe.get(), nullptr, nullptr, 0);
    for (const auto& [nid, value] : fixed) {
        fixed_.emplace_back(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
        if (!fixed_.back())
            throw error("cannot prepare leaf certificate extensions: " + openssl_errors());
    }
}

bool leaf_minter::add_fixed_extensions(X509* cert) const {
    for (const auto& ext : fixed_)
        if (X509_add_ext(cert, ext.get(), -1) != 1) return false;
    return true;
}

std::shared_ptr<const leaf> leaf_minter::mint(std::string_view host,
                                              std::string& error) const noexcept {
    try {
        return build(host, error);
    } catch (const std::exception& e) {
        error = e.what();
    } catch (...) {
        error = "unknown failure while minting";
    }
    return nullptr;
}

std::shared_ptr<const leaf> leaf_minter::build(std::string_view host, std::string& error) const {
    const std::optional<host_name> name = parse_host_name(host, error);
    if (!name) return nullptr;

    x509_ptr cert(X509_new());
    asn1_integer_ptr serial = random_serial();
    auto fail = [&error](const char* what) -> std::shared_ptr<const leaf> {
        error = std::string("cannot mint a leaf: ") + what + ": " + openssl_errors();
        return nullptr;
    };
    if (!cert || !serial || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        X509_set_serialNumber(cert.get(), serial.get()) != 1 ||
        !set_validity(cert.get(), -1, validity_days_) ||
        X509_set_issuer_name(cert.get(), X509_get_subject_name(ca_->cert())) != 1 ||
        X509_set_pubkey(cert.get(), key_.get()) != 1 || !add_fixed_extensions(cert.get()))
        return fail("fields");

    // RFC 5280 caps a CN at 64 characters; longer names live in the SAN only,
    // and with an empty subject the SAN must be critical.
    const bool with_cn = name->text.size() <= 64;
    if (with_cn) {
        const auto* cn = reinterpret_cast<const unsigned char*>(name->text.c_str());
        if (X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_UTF8, cn,
                                       -1, -1, 0) != 1)
            return fail("subject");
    }
    const std::string san =
        std::string(with_cn ? "" : "critical,") + (name->is_ip ? "IP:" : "DNS:") + name->text;
    X509* c = cert.get();
    if (!add_extension(c, ca_->cert(), NID_subject_alt_name, san)) return fail("extensions");
    if (X509_sign(c, ca_->key(), EVP_sha256()) == 0) return fail("signature");
    return std::make_shared<const leaf>(leaf{std::move(cert), key_, name->text});
}

}  // namespace phiguard::certs
