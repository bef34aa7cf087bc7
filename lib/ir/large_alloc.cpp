#include "ir/large_alloc.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace gradc::ir {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}

void* allocate_large(std::size_t bytes) {
    void* p = nullptr;
    if (bytes >= kHugePage) {
        p = std::aligned_alloc(kHugePage, (bytes + kHugePage - 1) / kHugePage * kHugePage);
        if (p != nullptr) madvise(p, bytes, MADV_HUGEPAGE);  // a hint: failure only costs speed
    } else {
        p = std::malloc(bytes);
    }
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

void free_large(void* p) noexcept { std::free(p); }

}  // namespace gradc::ir
