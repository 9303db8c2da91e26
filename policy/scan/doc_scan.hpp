#pragma once

#include <vector>

#include "policy/finding.hpp"
#include "policy/scan/detector_set.hpp"
#include "policy/scan/document.hpp"

namespace phiguard::policy::scan {

/// Scans one decoded document: one Hyperscan pass for the literal anchors, one pass for the
/// literal-free shapes, validation in code, then confidence filtering, de-duplication and
/// locations. Base64 JSON found inside is decoded and scanned as a document of its own.
void scan_document(const detector_set& set, const document& doc, std::vector<finding>& out);

/// An "uninspectable" finding: the policy can fail closed on what could not be decoded.
finding uninspectable(location_kind where, std::string location, std::string reason);

}  // namespace phiguard::policy::scan
