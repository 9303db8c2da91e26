#include "policy/scan/document.hpp"

#include <algorithm>

namespace phiguard::policy::scan {

int document::segment_at(std::size_t offset) const {
    // Items are appended in text order and tile it: "&key=value&key=value...".
    auto it = std::upper_bound(segments.begin(), segments.end(), offset,
                               [](std::size_t off, const segment& s) {
                                   return off + 1 < static_cast<std::size_t>(s.key_begin);
                               });
    if (it == segments.begin()) return -1;
    return static_cast<int>(it - segments.begin()) - 1;
}

std::string document::location(int seg) const {
    std::vector<std::string_view> chain;
    for (int s = seg; s >= 0; s = segments[static_cast<std::size_t>(s)].parent) {
        const auto k = key_of(segments[static_cast<std::size_t>(s)]);
        if (!k.empty()) chain.push_back(k);
    }
    std::string r = root;
    char sep = root.rfind("header:", 0) == 0 ? '>' : ':';
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
        r.push_back(sep);
        r.append(*it);
        sep = '>';
    }
    return r;
}

}  // namespace phiguard::policy::scan
