#pragma once
#include <optional>
#include <string>
#include <vector>

namespace phiguard::proxy {

/// Arguments of `phiguard scan` and `phiguard explain`: a request described on
/// the command line, inspected offline with the same engine the proxy runs.
struct inspect_args {
    std::optional<std::string> config_file;
    std::string url;
    std::string method = "GET";
    std::vector<std::string> headers;  ///< "Name: value"
    std::optional<std::string> body_file;
    bool json = false;
};

/// `phiguard scan`: the destination and the findings (redacted). 0 on
/// success, 1 when the policy or input cannot be read.
int cmd_scan(const inspect_args& args);
/// `phiguard explain`: additionally the verdict, the deciding rule and the
/// destination's BAA record: "would this be blocked, and why?".
int cmd_explain(const inspect_args& args);
/// `phiguard check-config FILE`: diagnostics at file:line:column and a
/// summary; 0 when the policy has no errors.
int cmd_check_config(const std::string& file);

}  // namespace phiguard::proxy
