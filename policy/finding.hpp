#pragma once

#include <cstddef>
#include <string>

namespace phiguard::policy {

/// Where in the request a finding sits.
enum class location_kind { request_line, query, header, body };

/// One piece of PHI seen in a request. Carries where and what kind, never the value: the hint is
/// redacted so findings can be logged as they are.
struct finding {
    std::string detector;  ///< detector id: "ssn", "phi_key", "hashed_email", "uninspectable", ...
    std::string kind;      ///< PHI kind: "ssn", "phone", "condition", "hashed_identifier", ...
    location_kind where = location_kind::body;
    std::string location;  ///< value-free path: "query:dl>condition", "body:$.user_data.em[0]"
    std::size_t offset = 0, length = 0;  ///< byte range in the decoded text it was found in
    double confidence = 0;               ///< 0..1
    std::string hint;                    ///< redacted, e.g. "d******s, 8 chars"
};

/// The name used in locations and logs: "request_line", "query", "header", "body".
const char* to_string(location_kind k) noexcept;

}  // namespace phiguard::policy
