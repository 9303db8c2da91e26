#include "certs/error.hpp"

#include <doctest/doctest.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>

TEST_CASE("certs error: drains the OpenSSL queue into one line") {
    ERR_clear_error();
    CHECK(phiguard::certs::openssl_errors().empty());
    // An unknown curve fails and leaves an error on the queue.
    EVP_PKEY* key = EVP_EC_gen("no-such-curve");
    CHECK(key == nullptr);
    const std::string text = phiguard::certs::openssl_errors();
    CHECK_FALSE(text.empty());
    CHECK(ERR_peek_error() == 0);
    const phiguard::certs::error e("x");
    CHECK(std::string(e.what()) == "x");
}
