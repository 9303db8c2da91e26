#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace phiguard::policy::decode {

/// One scalar of a small JSON document: its member name, its path and its decoded value.
struct json_leaf {
    std::string key;   ///< nearest member name ("em" for $.user_data.em[0])
    std::string path;  ///< "user_data.em[0]"
    std::string value;
};

/// Flattens a JSON text (an embedded parameter, a decoded base64 token) into its scalars, up to
/// max_depth levels of nesting. Objects of the shape {"name": K, "value": V}, as form-field
/// trackers send them, also yield a leaf keyed K. Returns false if text is not JSON.
bool json_leaves(std::string_view text, std::vector<json_leaf>& out, int max_depth = 32);

/// For each offset (ascending) into a JSON text, the path of the value holding it, e.g.
/// "$.data[0].user_data.em[0]"; "$" where no member encloses it.
std::vector<std::string> json_paths_at(std::string_view json,
                                       const std::vector<std::size_t>& offsets);

}  // namespace phiguard::policy::decode
