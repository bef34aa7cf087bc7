// Node storage for one ExprContext: chunks that never move (nodes are referred to
// by address), growing geometrically so a small context stays small and a large one
// gets huge-page chunks. Index == creation order == node id.
#pragma once

#include <algorithm>
#include <cstddef>
#include <new>
#include <vector>

#include "gradc/expr.hpp"
#include "ir/large_alloc.hpp"

namespace gradc::ir {

class NodeArena {
public:
    NodeArena() = default;
    NodeArena(const NodeArena&) = delete;
    NodeArena& operator=(const NodeArena&) = delete;
    // Nodes hold only numbers and pointers, so freeing the chunks is enough.
    ~NodeArena() {
        for (const Chunk& c : chunks_) free_large(c.data);
    }

    Node& emplace() {
        if (chunks_.empty() || used_ == chunks_.back().capacity) {
            const std::size_t capacity =
                chunks_.empty() ? kFirstChunk : std::min(2 * chunks_.back().capacity, kLargestChunk);
            chunks_.push_back({static_cast<Node*>(allocate_large(capacity * sizeof(Node))), size_, capacity});
            used_ = 0;
        }
        ++size_;
        return *new (&chunks_.back().data[used_++]) Node();
    }

    std::size_t size() const noexcept { return size_; }

    const Node& operator[](std::size_t id) const noexcept {
        auto it = std::upper_bound(chunks_.begin(), chunks_.end(), id,
                                   [](std::size_t i, const Chunk& c) { return i < c.first_id; });
        const Chunk& c = *(it - 1);
        return c.data[id - c.first_id];
    }

private:
    static constexpr std::size_t kFirstChunk = 256;
    static constexpr std::size_t kLargestChunk = (std::size_t{2} << 20) / sizeof(Node);  // one huge page

    struct Chunk {
        Node* data;
        std::size_t first_id;
        std::size_t capacity;
    };
    std::vector<Chunk> chunks_;
    std::size_t size_ = 0;
    std::size_t used_ = 0;  // nodes in the last chunk
};

}  // namespace gradc::ir
