#pragma once

#include <cstddef>
#include <string>

namespace phiguard::policy::detect {

/// A validated match before its location is rendered: offsets are into the scanned text.
struct candidate {
    std::string detector;
    std::string kind;
    std::size_t offset = 0, length = 0;
    double confidence = 0;
    std::string hint;
    std::string subkey;  ///< a parameter name inside the value (embedded query), for the location
};

}  // namespace phiguard::policy::detect
