#include "policy/finding.hpp"

namespace phiguard::policy {

const char* to_string(location_kind k) noexcept {
    switch (k) {
        case location_kind::request_line:
            return "request_line";
        case location_kind::query:
            return "query";
        case location_kind::header:
            return "header";
        case location_kind::body:
            return "body";
    }
    return "body";
}

}  // namespace phiguard::policy
