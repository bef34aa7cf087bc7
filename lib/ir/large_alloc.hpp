// Memory for the IR's big flat arrays (node storage, hash-consing tables). Blocks of
// 2 MiB and more are aligned and advised as transparent huge pages before their
// first touch: large DAGs are walked in random order, and with 4 KiB pages both the
// TLB misses and the page faults (one per 4 KiB) dominate building them.
#pragma once

#include <cstddef>

namespace gradc::ir {

void* allocate_large(std::size_t bytes);  // throws std::bad_alloc
void free_large(void* p) noexcept;

}  // namespace gradc::ir
