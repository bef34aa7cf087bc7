#include "ir/intern_table.hpp"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace gradc {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}

InternTable::Slots::Slots(std::size_t n) : size_(n) {
    const std::size_t bytes = n * sizeof(Entry);
    if (bytes >= kHugePage) {
        // Aligned and advised before the first touch, so the pages start out huge.
        data_ = static_cast<Entry*>(std::aligned_alloc(kHugePage, (bytes + kHugePage - 1) / kHugePage * kHugePage));
        if (data_ != nullptr) madvise(data_, bytes, MADV_HUGEPAGE);
    } else {
        data_ = static_cast<Entry*>(std::malloc(bytes));
    }
    if (data_ == nullptr) throw std::bad_alloc();
    for (std::size_t i = 0; i < n; ++i) new (&data_[i]) Entry{};
}

InternTable::Slots::~Slots() { std::free(data_); }

}  // namespace gradc
