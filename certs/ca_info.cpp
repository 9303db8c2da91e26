#include "certs/ca_info.hpp"

#include <cerrno>
#include <cstring>

#include <openssl/pem.h>

#include "certs/error.hpp"
#include "certs/key.hpp"
#include "certs/x509_text.hpp"

namespace phiguard::certs {

ca_info describe_ca(const X509* cert) {
    return {name_text(X509_get_subject_name(cert)), sha256_fingerprint(cert),
            iso_time(X509_get0_notBefore(cert)), iso_time(X509_get0_notAfter(cert)),
            describe_key(X509_get0_pubkey(cert))};
}

x509_ptr read_ca_cert(const std::filesystem::path& file, const std::filesystem::path& dir) {
    errno = 0;
    bio_ptr bio(BIO_new_file(file.c_str(), "r"));
    if (!bio) {
        const int err = errno;
        openssl_errors();
        if (err == ENOENT)
            throw error("CA certificate " + file.string() + " not found; create a CA with: " +
                        "phiguard ca init --dir " + dir.string());
        throw error("cannot read CA certificate " + file.string() + ": " + std::strerror(err));
    }
    x509_ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert)
        throw error("CA certificate " + file.string() +
                    " is not a PEM certificate: " + openssl_errors());
    return cert;
}

}  // namespace phiguard::certs
