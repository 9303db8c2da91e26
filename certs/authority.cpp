#include "certs/authority.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <openssl/pem.h>

#include "certs/ca.hpp"
#include "certs/error.hpp"
#include "certs/x509_text.hpp"

namespace phiguard::certs {
namespace {

std::string octal_mode(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
    return buf;
}

void check_key_mode(const std::filesystem::path& key, const std::filesystem::path& dir) {
    struct stat st {};
    if (::stat(key.c_str(), &st) != 0) {
        if (errno == ENOENT)
            throw error("CA key " + key.string() + " not found; create a CA with: phiguard ca " +
                        "init --dir " + dir.string());
        throw error("cannot read CA key " + key.string() + ": " + std::strerror(errno));
    }
    if ((st.st_mode & 077) != 0) {
        const char* what = (st.st_mode & 044) != 0 ? "readable" : "accessible";
        throw error("CA key " + key.string() + " is " + what + " by group or others (mode " +
                    octal_mode(st.st_mode) + "); run: chmod 600 " + key.string());
    }
}

bio_ptr open_key(const std::filesystem::path& path) {
    errno = 0;
    bio_ptr bio(BIO_new_file(path.c_str(), "r"));
    if (!bio) {
        const int err = errno;
        openssl_errors();
        throw error("cannot read CA key " + path.string() + ": " + std::strerror(err) +
                    " (run phiguard as the user that owns it)");
    }
    return bio;
}

void check_validity(const X509* cert, const std::filesystem::path& path) {
    if (X509_cmp_current_time(X509_get0_notBefore(cert)) >= 0)
        throw error("CA certificate " + path.string() + " is not valid before " +
                    iso_time(X509_get0_notBefore(cert)) + "; check the system clock");
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0)
        throw error("CA certificate " + path.string() + " expired on " +
                    iso_time(X509_get0_notAfter(cert)) + "; create a new CA with: phiguard " +
                    "ca init --dir NEWDIR, and trust it on the clients");
}

}  // namespace

authority::authority(x509_ptr cert, evp_pkey_ptr key)
    : cert_(std::move(cert)), key_(std::move(key)) {}

std::shared_ptr<const authority> authority::load(const std::filesystem::path& dir) {
    const ca_files files = ca_paths(dir);
    // The mode check comes first: a leaked key matters more than a bad file.
    check_key_mode(files.key, dir);

    x509_ptr cert = read_ca_cert(files.cert, dir);
    bio_ptr key_bio = open_key(files.key);
    evp_pkey_ptr key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr));
    if (!key)
        throw error("CA key " + files.key.string() +
                    " is not an unencrypted PEM private key: " + openssl_errors());

    if (X509_check_private_key(cert.get(), key.get()) != 1) {
        openssl_errors();
        throw error("CA key " + files.key.string() + " does not match certificate " +
                    files.cert.string() + "; restore the matching pair, or create a new CA");
    }
    check_validity(cert.get(), files.cert);
    // 1 means a v3 CA with basicConstraints CA:TRUE (and keyCertSign if
    // keyUsage is present); v1 roots and Netscape types are refused.
    if (X509_check_ca(cert.get()) != 1)
        throw error("certificate " + files.cert.string() + " is not a CA certificate " +
                    "(basicConstraints CA:TRUE and keyUsage keyCertSign are required)");
    return std::make_shared<const authority>(std::move(cert), std::move(key));
}

}  // namespace phiguard::certs
