#include "proxy/block_page.hpp"

namespace phiguard::proxy {

std::string block_page_text(const policy::verdict& v, const std::string& destination,
                            const std::string& incident_id) {
    std::string text = "blocked by policy rule " + v.rule_id;
    if (!v.rule_description.empty()) text += " (" + v.rule_description + ")";
    text += ".\nThis request to " + destination +
            " was stopped because it may carry protected health information to a party "
            "without a business associate agreement in force.\nIncident " +
            incident_id + ": quote it to your privacy or security team.";
    return text;
}

}  // namespace phiguard::proxy
