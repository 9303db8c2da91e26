#pragma once
#include <string>

namespace phiguard::policy {

/// Where a value was written, kept in the model so checks that run after reading
/// (catalogue conflicts, BAA expiry warnings) still point at file:line:column.
struct source_mark {
    std::string file;
    int line = 0;  ///< 1-based; 0 when unknown
    int column = 0;
};

}  // namespace phiguard::policy
