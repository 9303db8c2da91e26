#pragma once

#include <cstdint>

struct hs_database;
struct hs_scratch;

namespace phiguard::policy {

/// The calling thread's Hyperscan scratch, grown to fit both databases the first time the thread
/// meets this generation. Scratch is not re-entrant, so a thread never scans inside a callback.
hs_scratch* thread_scratch(const hs_database* a, const hs_database* b, std::uint64_t generation);

}  // namespace phiguard::policy
