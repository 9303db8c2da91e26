#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace phiguard::policy::detect {

/// Categories of words that make a nearby candidate more likely PHI.
enum context_mask : std::uint16_t {
    ctx_dob = 1 << 0,
    ctx_appointment = 1 << 1,
    ctx_ssn = 1 << 2,
    ctx_phone = 1 << 3,
    ctx_npi = 1 << 4,
    ctx_mbi = 1 << 5,
    ctx_card = 1 << 6,
    ctx_icd = 1 << 7,
    ctx_patient = 1 << 8,
};

struct context_word {
    std::string_view word;  ///< lowercase, matched case-insensitively anywhere
    std::uint16_t mask;
};

/// Every context word. They are Hyperscan literals in the document pass, so finding them
/// costs nothing extra; a candidate then asks the index instead of re-reading its window.
std::span<const context_word> context_words();

/// Where context words end in one document, by category.
class context_index {
public:
    void add(std::size_t end, std::uint16_t mask) {
        hits_.emplace_back(static_cast<std::uint32_t>(end), mask);
    }
    /// Call once after the last add().
    void finish();
    /// True if a word of a category in mask ends within window bytes before pos.
    bool near(std::size_t pos, std::uint16_t mask, std::size_t window = 48) const;
    /// Positions just past each word of a category, for looking right of it.
    std::vector<std::size_t> ends(std::uint16_t mask) const;

private:
    std::vector<std::pair<std::uint32_t, std::uint16_t>> hits_;
    // The categories of the words ending in each 64-byte block: most questions are about a
    // window with no word of the category, and two loads answer them without a search.
    std::vector<std::uint16_t> blocks_;
};

}  // namespace phiguard::policy::detect
