#pragma once

#include <cstdint>
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

/// A decoded view of one part of a request, ready to scan in one Hyperscan call.
struct document {
    location_kind where = location_kind::body;
    std::string root;  ///< "query", "request_line", "header:Referer", "body:form", "body"
    std::string text;
    std::vector<segment> segments;  ///< empty for JSON and plain text
    bool json = false;              ///< text is JSON: locations are JSON paths
    int depth = 0;                  ///< encoding layers undone to reach this document

    std::string_view key_of(const segment& s) const {
        return std::string_view(text).substr(s.key_begin, s.key_len);
    }
    /// Index of the segment whose "&key=value" covers offset, or -1.
    int segment_at(std::size_t offset) const;
    /// "query:dl>condition" for a segment; root alone for -1.
    std::string location(int segment) const;
};

}  // namespace phiguard::policy::scan
