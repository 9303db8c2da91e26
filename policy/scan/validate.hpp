#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "policy/detect/candidate.hpp"
#include "policy/detect/context.hpp"
#include "policy/scan/detector_set.hpp"
#include "policy/scan/document.hpp"

// Turns a Hyperscan anchor match into validated candidates: the literal only says where to
// look; these read the value next to it and decide.
namespace phiguard::policy::scan {

void validate_key(const detect::key_rule& rule, const document& doc, std::size_t to,
                  std::vector<detect::candidate>& out);
void validate_term(const detector_set& set, const detect::term& t, const document& doc,
                   std::size_t to, const detect::context_index& context,
                   std::vector<detect::candidate>& out);
/// The byte range of the value after a key anchor ending at to ({to, to} if none).
std::pair<std::size_t, std::size_t> value_extent(const document& doc, std::size_t to);
void validate_email(const document& doc, std::size_t to, std::vector<detect::candidate>& out);
void validate_doctor(const document& doc, std::size_t to, std::vector<detect::candidate>& out);
void validate_mrn(const document& doc, std::size_t to, std::vector<detect::candidate>& out);
/// The extent of a base64 token whose known prefix ends at to, or {0,0} if it is not one.
std::pair<std::size_t, std::size_t> base64_token(const document& doc, std::size_t to,
                                                 std::size_t prefix_len);

/// The normalised parameter or member name whose value holds pos (for weighing context).
std::string enclosing_key(const document& doc, std::size_t pos, bool& path_like);

}  // namespace phiguard::policy::scan
