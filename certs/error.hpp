#pragma once

#include <stdexcept>
#include <string>

namespace phiguard::certs {

/// A control-plane failure (creating or loading the CA). The message names the
/// file involved and what the operator should do about it.
class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// The OpenSSL error queue as one line ("" when empty); drains the queue so
/// stale entries never leak into a later message.
std::string openssl_errors();

}  // namespace phiguard::certs
