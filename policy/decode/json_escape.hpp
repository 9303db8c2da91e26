#pragma once

#include <string>
#include <string_view>

namespace phiguard::policy::decode {

/// Undoes JSON string escapes across a whole JSON text (\uXXXX with surrogate pairs to UTF-8,
/// \/ \n \t \r \b \f) while keeping \" and \\ escaped, so the result is still valid JSON with
/// the same structure and detectors see the characters a reader would.
std::string json_unescape_text(std::string_view json);
/// Decodes the body of one JSON string (without quotes), all escapes included.
std::string json_unescape_string(std::string_view body);

}  // namespace phiguard::policy::decode
