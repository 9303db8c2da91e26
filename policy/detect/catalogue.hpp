#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policy/detect/detector_config.hpp"

namespace phiguard::policy::detect {

/// What a value under a PHI key must look like to count (see policy/data/phi_keys.txt).
enum class value_check { any, date, id, name, email, phone, hash, ssn, npi, mbi, ip };

struct key_rule {
    std::string key;  ///< lowercase parameter / member name
    std::string kind;
    value_check check = value_check::any;
    bool json_only = false;  ///< only as a JSON member name
};

struct term {
    std::string text;  ///< lowercase; a space matches any word separator
    std::string kind;  ///< condition, medication, procedure, specialty, appointment
};

/// The detector data of one generation: the built-in data files plus the configuration's
/// additions. Immutable once built.
class catalogue {
public:
    /// Parses the embedded data files and merges config additions; throws std::runtime_error
    /// on a malformed line.
    static catalogue build(const detector_config& config);

    const std::vector<key_rule>& keys() const noexcept { return keys_; }
    const std::vector<term>& terms() const noexcept { return terms_; }
    /// The rule for a normalised key (see normalise_key), or null.
    const key_rule* find_key(std::string_view key) const;
    /// Keys under which a dictionary term counts (test=, q=, reason=), rule keys included.
    bool is_context_key(std::string_view key) const;
    /// Keys from phi_context.txt (test=, q=, reason=): dictionary terms under them count.
    const std::vector<std::string>& context_keys() const noexcept { return context_keys_; }

private:
    std::vector<key_rule> keys_;
    std::vector<term> terms_;
    std::unordered_map<std::string, std::size_t> key_index_;
    std::unordered_map<std::string, bool> context_;
    std::vector<std::string> context_keys_;
};

/// The name a key is judged by: lowercase, innermost of cd[x] / ud[x], last part of ep.x or
/// user_data.x. "cd[Patient_Name]" -> "patient_name".
std::string normalise_key(std::string_view key);

}  // namespace phiguard::policy::detect
