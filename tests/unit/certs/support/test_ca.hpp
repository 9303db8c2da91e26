#pragma once

#include <memory>

#include "certs/authority.hpp"
#include "certs/ca.hpp"
#include "certs/leaf_minter.hpp"
#include "unit/certs/support/temp_dir.hpp"

namespace phiguard::test {

/// A CA created in its own temp dir and loaded, as the proxy would.
struct test_ca {
    explicit test_ca(certs::key_kind kind = certs::key_kind::ecdsa_p256) {
        certs::ca_options options;
        options.key = kind;
        certs::create_ca(dir.path(), options);
        ca = certs::authority::load(dir.path());
        minter = std::make_shared<const certs::leaf_minter>(ca);
    }

    temp_dir dir;
    std::shared_ptr<const certs::authority> ca;
    std::shared_ptr<const certs::leaf_minter> minter;
};

}  // namespace phiguard::test
