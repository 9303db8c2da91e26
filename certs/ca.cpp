#include "certs/ca.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <system_error>

#include <openssl/pem.h>

#include "certs/error.hpp"
#include "certs/openssl_ptr.hpp"
#include "certs/x509_build.hpp"

namespace phiguard::certs {
namespace {

x509_ptr make_ca_cert(EVP_PKEY* key, const ca_options& options) {
    x509_ptr cert(X509_new());
    asn1_integer_ptr serial = random_serial();
    if (!cert || !serial || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        X509_set_serialNumber(cert.get(), serial.get()) != 1)
        return nullptr;
    // Back-dated a day like the leaves, so clients with a slow clock accept it.
    if (!set_validity(cert.get(), options.start_offset_days - 1L,
                      static_cast<long>(options.start_offset_days) + options.validity_days))
        return nullptr;
    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto* cn = reinterpret_cast<const unsigned char*>(options.common_name.c_str());
    const auto* org = reinterpret_cast<const unsigned char*>("phiguard");
    if (X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, cn, -1, -1, 0) != 1 ||
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, org, -1, -1, 0) != 1 ||
        X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key) != 1)
        return nullptr;
    // pathlen:0 — this CA signs leaves only, never an intermediate.
    X509* c = cert.get();
    if (!add_extension(c, c, NID_basic_constraints, "critical,CA:TRUE,pathlen:0") ||
        !add_extension(c, c, NID_key_usage, "critical,keyCertSign,cRLSign") ||
        !add_extension(c, c, NID_subject_key_identifier, "hash") ||
        !add_extension(c, c, NID_authority_key_identifier, "keyid:always"))
        return nullptr;
    if (X509_sign(c, key, EVP_sha256()) == 0) return nullptr;
    return cert;
}

/// Writes a new file with O_EXCL and the given mode; the umask is tightened
/// to 077 meanwhile so the key is never visible with a looser mode.
void write_new_file(const std::filesystem::path& path, mode_t mode,
                    const std::function<bool(BIO*)>& write) {
    const mode_t old_mask = ::umask(077);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    const int open_errno = errno;
    ::umask(old_mask);
    if (fd < 0) {
        if (open_errno == EEXIST)
            throw error(path.string() + " already exists; refusing to overwrite a CA (remove it " +
                        "yourself, or choose another --dir)");
        throw error("cannot create " + path.string() + ": " + std::strerror(open_errno));
    }
    bio_ptr bio(BIO_new_fd(fd, BIO_CLOSE));
    bool ok = bio != nullptr && ::fchmod(fd, mode) == 0 && write(bio.get()) &&
              BIO_flush(bio.get()) == 1 && ::fsync(fd) == 0;
    if (!bio) ::close(fd);
    if (!ok) {
        std::error_code ignored;
        std::filesystem::remove(path, ignored);
        throw error("cannot write " + path.string() + ": " + openssl_errors());
    }
}

}  // namespace

ca_files ca_paths(const std::filesystem::path& dir) {
    return {dir / "phiguard-ca.pem", dir / "phiguard-ca.key"};
}

ca_files create_ca(const std::filesystem::path& dir, const ca_options& options) {
    if (options.validity_days < 1)
        throw error("CA validity must be at least one day (got " +
                    std::to_string(options.validity_days) + ")");
    const ca_files files = ca_paths(dir);
    for (const auto& path : {files.cert, files.key}) {
        std::error_code ec;
        if (std::filesystem::exists(std::filesystem::symlink_status(path, ec)))
            throw error(path.string() + " already exists; refusing to overwrite a CA (remove " +
                        "it yourself, or choose another --dir)");
    }
    std::error_code ec;
    if (!std::filesystem::exists(dir, ec)) {
        std::filesystem::create_directories(dir, ec);
        if (ec || ::chmod(dir.c_str(), 0700) != 0)
            throw error("cannot create CA directory " + dir.string() + ": " +
                        (ec ? ec.message() : std::string(std::strerror(errno))));
    }

    evp_pkey_ptr key = generate_key(options.key);
    x509_ptr cert = make_ca_cert(key.get(), options);
    if (!cert) throw error("cannot build the CA certificate: " + openssl_errors());

    write_new_file(files.key, 0600, [&](BIO* bio) {
        return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
    });
    try {
        write_new_file(files.cert, 0644,
                       [&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()) == 1; });
    } catch (...) {
        // A key without its certificate would block the next `ca init`.
        std::filesystem::remove(files.key, ec);
        throw;
    }
    return files;
}

}  // namespace phiguard::certs
