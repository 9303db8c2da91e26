#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/finding.hpp"

namespace phiguard::policy::scan {

/// One decoded value in a document's text and the parameter it came from. The text of a
/// flattened document is a run of "&key=value" items, so key literals anchor the same way in
/// a query, a form body, a cookie or a decoded base64 blob.
struct segment {
    std::uint32_t key_begin = 0, key_len = 0;  ///< the key as written, inside text
    std::uint32_t begin = 0, end = 0;          ///< the decoded value, inside text
    std::int32_t parent = -1;                  ///< enclosing parameter (dl for dl>condition)
    bool path_like = false;                    ///< a URL path: public page names, not PHI
};

/// Text of "&key=value" items that decoded to themselves: no escape, no '+', a raw '=' in
/// each field and none of '&' in a value, nothing to expand. They are not recorded one by one
/// (that was a third of a GA4 body's scan); a lookup reads the item around an offset from the
/// text, where its first '&' before and first '=' after are its bounds.
struct plain_run {
    std::uint32_t begin = 0, end = 0;  ///< begin is an item's '&'; end is where the last ends
    std::int32_t parent = -1;          ///< the segment these fields are nested in
};

/// A decoded view of one part of a request, ready to scan in one Hyperscan call.
struct document {
    location_kind where = location_kind::body;
    std::string root;  ///< "query", "request_line", "header:Referer", "body:form", "body"
    std::string text;
    std::vector<segment> segments;  ///< recorded items; empty for JSON and plain text
    std::vector<plain_run> runs;    ///< the other items; both in text order, and they tile it
    bool json = false;              ///< text is JSON: locations are JSON paths
    int depth = 0;                  ///< encoding layers undone to reach this document

    std::string_view key_of(const segment& s) const {
        return std::string_view(text).substr(s.key_begin, s.key_len);
    }
    /// True if the text is made of "&key=value" items.
    bool fielded() const noexcept { return !segments.empty() || !runs.empty(); }
    /// The item whose "&key=value" covers offset, recorded or plain (a plain one's parent is
    /// a recorded segment's index); nothing before the first item.
    std::optional<segment> item_at(std::size_t offset) const;
    /// Every item in text order, plain ones included, with parents as indexes into this list.
    std::vector<segment> items() const;
    /// "query:dl>condition" for the recorded segment seg; root alone for -1.
    std::string location(int seg) const;
    /// The location of the item that covers offset; root alone when none does.
    std::string location_at(std::size_t offset) const;

private:
    std::string chain(std::string_view key, int parent) const;
};

}  // namespace phiguard::policy::scan
