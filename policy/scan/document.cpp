#include "policy/scan/document.hpp"

#include <algorithm>

namespace phiguard::policy::scan {
namespace {

// The item of a plain run that covers offset: its '&' is the last one at or before offset
// (the run starts with one), its key ends at the first '=' after that, and its value at the
// next '&' or the run's end. Plain fields hold no '&' and always a '=', so the text says all.
// (Byte loops, not memrchr and memchr: fields are short, and the three library calls cost
// more than the walk; a request's URL asks this for every candidate.)
segment plain_item(const std::string& text, const plain_run& run, std::size_t offset) {
    const char* const t = text.data();
    std::size_t key = std::min<std::size_t>(offset, run.end - 1);
    while (key > run.begin && t[key] != '&') --key;
    ++key;
    std::size_t eq = key;
    while (eq < run.end && t[eq] != '=') ++eq;
    std::size_t end = eq < run.end ? eq + 1 : run.end;
    while (end < run.end && t[end] != '&') ++end;
    segment s;
    s.key_begin = static_cast<std::uint32_t>(key);
    s.key_len = static_cast<std::uint32_t>(eq - key);
    s.begin = static_cast<std::uint32_t>(eq < run.end ? eq + 1 : run.end);
    s.end = static_cast<std::uint32_t>(end);
    s.parent = run.parent;
    return s;
}

}  // namespace

std::optional<segment> document::item_at(std::size_t offset) const {
    // The covering item is the one that starts last at or before offset: a recorded segment
    // starts at the '&' before its key, a run at its own first '&'.
    auto seg = std::upper_bound(segments.begin(), segments.end(), offset,
                                [](std::size_t off, const segment& s) {
                                    return off + 1 < static_cast<std::size_t>(s.key_begin);
                                });
    auto run =
        std::upper_bound(runs.begin(), runs.end(), offset, [](std::size_t off, const plain_run& r) {
            return off < static_cast<std::size_t>(r.begin);
        });
    const bool has_seg = seg != segments.begin();
    const bool has_run = run != runs.begin();
    if (has_run && (!has_seg || std::prev(run)->begin >= std::prev(seg)->key_begin))
        return plain_item(text, *std::prev(run), offset);
    if (has_seg) return *std::prev(seg);
    return std::nullopt;
}

std::vector<segment> document::items() const {
    std::vector<segment> all;
    std::vector<std::int32_t> index_of(segments.size());  // recorded index -> index in all
    auto parent_in_all = [&](std::int32_t p) {
        return p < 0 ? p : index_of[static_cast<std::size_t>(p)];
    };
    std::size_t r = 0;
    auto flush_runs_before = [&](std::size_t limit) {
        for (; r < runs.size() && runs[r].begin < limit; ++r)
            for (std::size_t at = runs[r].begin; at < runs[r].end;) {
                segment s = plain_item(text, runs[r], at);
                s.parent = parent_in_all(s.parent);
                at = s.end;
                all.push_back(s);
            }
    };
    for (std::size_t i = 0; i < segments.size(); ++i) {
        flush_runs_before(segments[i].key_begin);
        index_of[i] = static_cast<std::int32_t>(all.size());
        segment s = segments[i];
        s.parent = parent_in_all(s.parent);
        all.push_back(s);
    }
    flush_runs_before(text.size() + 1);
    return all;
}

std::string document::chain(std::string_view key, int parent) const {
    std::vector<std::string_view> keys;
    if (!key.empty()) keys.push_back(key);
    for (int s = parent; s >= 0; s = segments[static_cast<std::size_t>(s)].parent) {
        const auto k = key_of(segments[static_cast<std::size_t>(s)]);
        if (!k.empty()) keys.push_back(k);
    }
    std::string r = root;
    char sep = root.rfind("header:", 0) == 0 ? '>' : ':';
    for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
        r.push_back(sep);
        r.append(*it);
        sep = '>';
    }
    return r;
}

std::string document::location(int seg) const {
    if (seg < 0) return root;
    const auto& s = segments[static_cast<std::size_t>(seg)];
    return chain(key_of(s), s.parent);
}

std::string document::location_at(std::size_t offset) const {
    const auto s = item_at(offset);
    return s ? chain(key_of(*s), s->parent) : root;
}

}  // namespace phiguard::policy::scan
