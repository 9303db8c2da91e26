#pragma once
// The sample at quantile q of v (0: the least, 0.5: the median), by rank floor(q * size):
// what every benchmark here prints its medians and tails with.
#include <algorithm>
#include <cstddef>
#include <vector>

namespace phiguard::bench {

inline double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    const auto k =
        std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
}

}  // namespace phiguard::bench
