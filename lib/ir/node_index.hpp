// Dense per-traversal indexing: maps each node of a topological order to its
// position, so passes keep their per-node data in vectors instead of hash maps
// (hash maps over millions of nodes are dominated by cache misses).
#pragma once

#include <cstdint>
#include <span>
#include <unordered_map>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc::ir {

class NodeIndex {
public:
    static constexpr std::uint32_t npos = ~std::uint32_t{0};

    explicit NodeIndex(std::span<const Expr> order) {
        std::uint32_t max_id = 0;
        for (Expr e : order) max_id = std::max(max_id, e->id());
        // Dense when the order covers a fair share of the id range, else hashed, so a
        // small DAG in a huge context does not pay for the whole context.
        if (order.size() * 8 >= max_id) {
            dense_.assign(std::size_t{max_id} + 1, npos);
            for (std::size_t i = 0; i < order.size(); ++i) dense_[order[i]->id()] = static_cast<std::uint32_t>(i);
        } else {
            sparse_.reserve(order.size());
            for (std::size_t i = 0; i < order.size(); ++i)
                sparse_.emplace(order[i]->id(), static_cast<std::uint32_t>(i));
        }
    }

    // Position of `e` in the order, or npos when it is not in it.
    std::uint32_t operator()(Expr e) const {
        if (!dense_.empty() || sparse_.empty()) return e->id() < dense_.size() ? dense_[e->id()] : npos;
        auto it = sparse_.find(e->id());
        return it == sparse_.end() ? npos : it->second;
    }

private:
    std::vector<std::uint32_t> dense_;
    std::unordered_map<std::uint32_t, std::uint32_t> sparse_;
};

}  // namespace gradc::ir
