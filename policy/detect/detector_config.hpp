#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace phiguard::policy {

/// A dictionary term added on top of the built-in data file.
struct extra_term {
    std::string term;
    std::string kind;  ///< "condition", "procedure", "medication", "specialty", "appointment"
};

/// A key that signals PHI by its name alone, added on top of the built-in list.
struct extra_key {
    std::string key;
    std::string kind;
};

/// What a detector generation is built from. Defaults are the reference policy.
struct detector_config {
    /// Detector ids to leave out ("ssn", "phone", "dictionary", ...); empty runs all of them.
    std::vector<std::string> disabled;
    /// Organisation MRN formats as Hyperscan regexes (e.g. "MRN\\d{8}"), matched anywhere.
    std::vector<std::string> mrn_patterns;
    std::vector<extra_term> extra_terms;
    std::vector<extra_key> extra_keys;
    /// Findings below this confidence are not reported.
    double min_confidence = 0.5;
    /// Layers of nested encoding (percent inside percent, base64 inside a parameter) to undo.
    int max_decode_depth = 3;
    /// Bytes of decoded body kept for inspection; past this the body is reported uninspectable.
    std::size_t max_decoded_bytes = 16u << 20;
    /// Decompressed/compressed ratio past which a body counts as a decompression bomb.
    std::size_t max_inflate_ratio = 100;

    bool enabled(const std::string& detector) const;
};

}  // namespace phiguard::policy
