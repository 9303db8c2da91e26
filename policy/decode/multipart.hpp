#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phiguard::policy::decode {

struct multipart_part {
    std::string name;          ///< form field name from Content-Disposition
    std::string filename;      ///< empty unless a file
    std::string content_type;  ///< empty if the part gave none
    std::string_view body;     ///< points into the original body
};

/// The boundary parameter of a multipart/* Content-Type, if any.
std::optional<std::string> multipart_boundary(std::string_view content_type);
/// Splits a multipart body into its parts; stops at the closing delimiter or the end.
std::vector<multipart_part> split_multipart(std::string_view body, std::string_view boundary);

}  // namespace phiguard::policy::decode
