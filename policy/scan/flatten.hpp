#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "policy/scan/document.hpp"

namespace phiguard::policy::scan {

/// A request target split into its path (matrix ;params included) and its query, without
/// scheme, authority or fragment.
struct target_parts {
    std::string_view path, params, query;
    bool has_query = false;
};
target_parts split_target(std::string_view url);

/// Something the flattener could not decode within its bounds, to be reported as an
/// "uninspectable" finding at that segment.
struct undecodable {
    int segment = -1;
    std::string reason;
};

/// Builds a flattened document: splits parameters, undoes percent-encoding ('+' as space),
/// follows URLs with queries (dl=, Referer), nested queries, JSON values and base64 tokens,
/// each a layer deeper, up to max_layers encoding layers and max_bytes of text.
class flattener {
public:
    /// How deep values may nest (a URL in a query in a JSON value ...).
    static constexpr int max_nesting = 8;

    flattener(document& doc, int max_layers, std::size_t max_bytes)
        : doc_(doc), max_layers_(max_layers), max_bytes_(max_bytes) {}

    /// "a=b&c=d" as sent (percent-encoded); seps are the pair separators ("&", ";", "&\n").
    void pairs(std::string_view raw, std::string_view seps, int parent, int layers);
    /// One decoded value under key (which may be empty: a bare URL in a header).
    void item(std::string_view key, std::string value, int parent, int layers,
              bool path_like = false);

    std::vector<undecodable>& problems() noexcept { return problems_; }

private:
    int open(std::string_view key, int parent, bool path_like);
    bool structured(std::string_view key, std::string_view v, int parent, int layers);
    bool room(int seg) { return room(seg, doc_.text.size()); }
    bool room(int seg, std::size_t size);
    // pairs() writing from used on, into room past the text's size that it makes as it goes;
    // returns where the text ends, for the caller to cut it there.
    std::size_t pairs_at(std::string_view raw, std::string_view seps, int parent, int layers,
                         std::size_t used);
    // Records text [begin, end) as plain fields under parent, joined to the run before it.
    void add_run(std::size_t begin, std::size_t end, int parent);
    bool query_url_in_place(std::size_t used, std::uint32_t key_len, std::string_view v, int parent,
                            int layers, std::size_t& end);

    document& doc_;
    int max_layers_;
    std::size_t max_bytes_;
    std::vector<undecodable> problems_;
    bool truncated_ = false;
    // query_url_in_place's copies of the query it follows, one per nesting depth.
    std::array<std::string, max_nesting> query_copies_;
};

}  // namespace phiguard::policy::scan
