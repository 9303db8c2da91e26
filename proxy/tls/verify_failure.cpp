#include "proxy/tls/verify_failure.hpp"

#include <arpa/inet.h>

#include <openssl/x509v3.h>

#include "proxy/tls/ssl_notes.hpp"

namespace phiguard::proxy::tls {
std::string certificate_names(X509* cert) {
    std::string out;
    auto* names =
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    const int count = names != nullptr ? sk_GENERAL_NAME_num(names) : 0;
    for (int i = 0; i < count && i < 5; ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
        std::string text;
        if (name->type == GEN_DNS) {
            const ASN1_STRING* s = name->d.dNSName;
            text.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                        static_cast<std::size_t>(ASN1_STRING_length(s)));
        } else if (name->type == GEN_IPADD) {
            const ASN1_OCTET_STRING* ip = name->d.iPAddress;
            const int len = ASN1_STRING_length(ip);
            char buf[INET6_ADDRSTRLEN] = {};
            if ((len == 4 || len == 16) &&
                inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(ip), buf,
                          sizeof buf) != nullptr)
                text = buf;
            else
                continue;
        } else {
            continue;
        }
        if (!out.empty()) out += ", ";
        out += text;
    }
    if (count > 5) out += ", …";
    GENERAL_NAMES_free(names);
    if (out.empty()) {
        char cn[256] = {};
        if (X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn) >
            0)
            out = cn;
    }
    return out;
}

std::string describe_verify_failure(long verify_result) {
    switch (verify_result) {
        case X509_V_OK:
            return "no verification error";
        case X509_V_ERR_CERT_HAS_EXPIRED:
            return "certificate has expired";
        case X509_V_ERR_CERT_NOT_YET_VALID:
            return "certificate is not yet valid";
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
            return "self-signed certificate";
        case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
            return "self-signed certificate in the chain (unknown certificate authority)";
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
        case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
            return "unknown certificate authority";
        case X509_V_ERR_HOSTNAME_MISMATCH:
        case X509_V_ERR_IP_ADDRESS_MISMATCH:
            return "certificate is for another host";
        case X509_V_ERR_CERT_REVOKED:
            return "certificate has been revoked";
        case X509_V_ERR_INVALID_PURPOSE:
            return "certificate is not for TLS servers";
        case X509_V_ERR_INVALID_CA:
            return "issuer is not a certificate authority";
        case X509_V_ERR_CERT_SIGNATURE_FAILURE:
        case X509_V_ERR_CERT_CHAIN_TOO_LONG:
        case X509_V_ERR_PATH_LENGTH_EXCEEDED:
            return "invalid certificate chain";
        case X509_V_ERR_EE_KEY_TOO_SMALL:
        case X509_V_ERR_CA_KEY_TOO_SMALL:
        case X509_V_ERR_CA_MD_TOO_WEAK:
            return "certificate uses a key or signature that is too weak";
        default:
            return std::string("certificate verification failed: ") +
                   X509_verify_cert_error_string(verify_result);
    }
}

std::string describe_verify_failure(const SSL* ssl) {
    const long result = SSL_get_verify_result(ssl);
    std::string text = describe_verify_failure(result);
    if (result == X509_V_ERR_HOSTNAME_MISMATCH || result == X509_V_ERR_IP_ADDRESS_MISMATCH) {
        // A refused certificate is not kept on the session; the verify
        // callback of client_context noted its names.
        std::string names;
        if (X509* peer = SSL_get0_peer_certificate(ssl))
            names = certificate_names(peer);
        else if (const ssl_notes* notes = notes_of(const_cast<SSL*>(ssl), false))
            names = notes->peer_names;
        if (!names.empty()) text += " (" + names + ")";
    }
    return text;
}

}  // namespace phiguard::proxy::tls
