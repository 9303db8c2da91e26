#include "proxy/tls/client_context.hpp"

#include <arpa/inet.h>

#include <stdexcept>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "proxy/tls/ssl_notes.hpp"

namespace phiguard::proxy::tls {
namespace {

std::string drain_errors() {
    std::string out;
    char buf[256];
    while (unsigned long code = ERR_get_error()) {
        ERR_error_string_n(code, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out;
}

bool is_ip_literal(const std::string& host) {
    unsigned char addr[16];
    return inet_pton(AF_INET, host.c_str(), addr) == 1 ||
           inet_pton(AF_INET6, host.c_str(), addr) == 1;
}

/// Leaves every decision to OpenSSL; only notes the names on a certificate
/// refused for its host, which the failed session does not keep.
int note_mismatch(int ok, X509_STORE_CTX* store) {
    const int err = X509_STORE_CTX_get_error(store);
    if (ok == 0 && (err == X509_V_ERR_HOSTNAME_MISMATCH || err == X509_V_ERR_IP_ADDRESS_MISMATCH)) {
        try {
            auto* ssl = static_cast<SSL*>(
                X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
            X509* cert = X509_STORE_CTX_get_current_cert(store);
            if (ssl_notes* notes = notes_of(ssl, true); notes != nullptr && cert != nullptr)
                notes->peer_names = certificate_names(cert);
        } catch (...) {  // a C callback: nothing escapes
        }
    }
    return ok;
}

/// Where the SSL_CTX keeps its client_context, for the session callback.
int owner_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

}  // namespace

client_context::client_context(std::vector<std::filesystem::path> extra_cas)
    : ctx_(boost::asio::ssl::context::tls_client), sessions_(std::make_unique<session_cache>()) {
    SSL_CTX* ctx = ctx_.native_handle();
    // Sessions live in our per-host cache, not OpenSSL's internal one (which
    // a client never looks up by itself).
    if (owner_index() < 0 || SSL_CTX_set_ex_data(ctx, owner_index(), this) != 1)
        throw std::runtime_error("TLS client context: cannot attach the session cache");
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_CLIENT | SSL_SESS_CACHE_NO_INTERNAL_STORE);
    SSL_CTX_sess_set_new_cb(ctx, &client_context::on_new_session);
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1)
        throw std::runtime_error("TLS client context: cannot set TLS 1.2 minimum");
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, note_mismatch);
    // A missing system store is not fatal here: with no --upstream-ca every
    // origin then fails verification, visibly, with "unknown certificate authority".
    if (SSL_CTX_set_default_verify_paths(ctx) != 1) drain_errors();
    for (const auto& file : extra_cas) {
        std::error_code ec;
        if (!std::filesystem::is_regular_file(file, ec))
            throw std::runtime_error("upstream CA file " + file.string() +
                                     " not found (from --upstream-ca)");
        if (SSL_CTX_load_verify_locations(ctx, file.c_str(), nullptr) != 1)
            throw std::runtime_error("upstream CA file " + file.string() +
                                     " holds no PEM certificate: " + drain_errors());
    }
}

bool client_context::prepare(SSL* ssl, const std::string& host) {
    std::string name = host;
    if (name.size() >= 2 && name.front() == '[' && name.back() == ']')
        name = name.substr(1, name.size() - 2);
    bool ok = false;
    if (is_ip_literal(name)) {
        // RFC 6066: SNI carries host names only, never addresses.
        ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name.c_str()) == 1;
    } else {
        SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        ok = !name.empty() && name.find('\0') == std::string::npos &&
             SSL_set_tlsext_host_name(ssl, name.c_str()) == 1 &&
             SSL_set1_host(ssl, name.c_str()) == 1;
    }
    if (ok) {
        auto* self =
            static_cast<client_context*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), owner_index()));
        ssl_notes* notes = notes_of(ssl, true);
        if (self != nullptr && notes != nullptr) {
            notes->session_key = name;
            if (auto session = self->sessions_->get(name)) SSL_set_session(ssl, session.get());
        }
    } else {
        // Fail closed: without a name to check, any certificate would pass.
        drain_errors();
        SSL_set_verify(ssl, SSL_VERIFY_PEER, [](int, X509_STORE_CTX* store) {
            X509_STORE_CTX_set_error(store, X509_V_ERR_HOSTNAME_MISMATCH);
            return 0;
        });
    }
    return ok;
}

int client_context::on_new_session(SSL* ssl, SSL_SESSION* session) {
    try {  // a C callback: nothing escapes
        auto* self =
            static_cast<client_context*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), owner_index()));
        const ssl_notes* notes = notes_of(ssl, false);
        if (self != nullptr && notes != nullptr && !notes->session_key.empty())
            self->sessions_->put(notes->session_key, session);
    } catch (...) {
    }
    return 0;  // the cache took its own reference
}

}  // namespace phiguard::proxy::tls
