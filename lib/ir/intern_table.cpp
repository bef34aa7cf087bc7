#include "ir/intern_table.hpp"

#include <new>

#include "ir/large_alloc.hpp"

namespace gradc::ir {

InternTable::Slots::Slots(std::size_t n) : data_(static_cast<Entry*>(allocate_large(n * sizeof(Entry)))), size_(n) {
    for (std::size_t i = 0; i < n; ++i) new (&data_[i]) Entry{};
}

InternTable::Slots::~Slots() { free_large(data_); }

}  // namespace gradc::ir
