#include "policy/decision/rule.hpp"

namespace phiguard::policy {

std::vector<rule> default_rules() {
    std::vector<rule> rules;
    auto add = [&](const char* id, const char* description, action act, auto&& fill) {
        rule r;
        r.id = id;
        r.description = description;
        r.act = act;
        fill(r.match);
        rules.push_back(std::move(r));
    };
    add("baa-in-force", "BAA vendor with an agreement in force", action::allow,
        [](rule_match& m) { m.baa = {baa_state::in_force}; });
    add("baa-expired-phi", "PHI to a vendor whose BAA has expired", action::block,
        [](rule_match& m) {
            m.baa = {baa_state::expired};
            m.phi = true;
        });
    add("tracker-phi", "PHI to a tracker without a BAA", action::block, [](rule_match& m) {
        m.tracker = true;
        m.phi = true;
    });
    add("tracker-inventory", "tracker without a BAA, no PHI seen (inventory)", action::alert,
        [](rule_match& m) {
            m.tracker = true;
            m.phi = false;
        });
    add("third-party-phi", "PHI to a third party without a BAA", action::block, [](rule_match& m) {
        m.third_party = true;
        m.phi = true;
    });
    add("default-allow", "first party, or third party without PHI", action::allow,
        [](rule_match&) {});
    return rules;
}

}  // namespace phiguard::policy
