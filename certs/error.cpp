#include "certs/error.hpp"

#include <openssl/err.h>

namespace phiguard::certs {

std::string openssl_errors() {
    std::string out;
    char buf[256];
    while (unsigned long code = ERR_get_error()) {
        ERR_error_string_n(code, buf, sizeof buf);
        if (!out.empty()) out += "; ";
        out += buf;
    }
    return out;
}

}  // namespace phiguard::certs
