#include "policy/scan/scratch.hpp"

#include <hs.h>

#include <initializer_list>
#include <new>

namespace phiguard::policy {
namespace {

struct holder {
    hs_scratch_t* scratch = nullptr;
    std::uint64_t generation = 0;
    ~holder() {
        if (scratch) hs_free_scratch(scratch);
    }
};

}  // namespace

hs_scratch* thread_scratch(const hs_database* a, const hs_database* b, std::uint64_t generation) {
    thread_local holder h;
    if (!a && !b) return nullptr;
    if (h.generation != generation || !h.scratch) {
        // hs_alloc_scratch grows an existing scratch so it also fits this database.
        for (const hs_database* db : {a, b})
            if (db && hs_alloc_scratch(db, &h.scratch) != HS_SUCCESS) throw std::bad_alloc();
        h.generation = generation;
    }
    return h.scratch;
}

}  // namespace phiguard::policy
