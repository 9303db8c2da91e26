#include "policy/detect/detector_config.hpp"

#include <doctest/doctest.h>

using phiguard::policy::detector_config;

TEST_CASE("detector_config: every detector is on unless disabled by id") {
    detector_config cfg;
    CHECK(cfg.enabled("ssn"));
    cfg.disabled = {"ssn", "dictionary"};
    CHECK_FALSE(cfg.enabled("ssn"));
    CHECK_FALSE(cfg.enabled("dictionary"));
    CHECK(cfg.enabled("phone"));
    CHECK(cfg.max_decode_depth == 3);
    CHECK(cfg.min_confidence == doctest::Approx(0.5));
}
