#pragma once

#include <string_view>
#include <vector>

#include "policy/detect/candidate.hpp"
#include "policy/detect/context.hpp"

namespace phiguard::policy::detect {

/// Which literal-free shapes to look for. These have no literal Hyperscan could anchor on, so a
/// hand-written pass finds digit runs (16 bytes at a time) and validates each in code.
struct shape_options {
    bool ssn = true, phone = true, credit_card = true, npi = true, mbi = true, ip = true,
         dates = true, icd10 = true;
    double min_confidence = 0;  ///< weaker shapes are dropped before a hint is built
};

/// Bare numbers and identifiers: SSN, NANP and international phones, card numbers, NPI, MBI,
/// IPv4/IPv6, dates (weighed by birth / appointment words before them) and ICD-10-CM codes.
/// Confidence reflects the shape and the words before it.
void scan_shapes(std::string_view text, const shape_options& options, const context_index& context,
                 std::vector<candidate>& out);

}  // namespace phiguard::policy::detect
