// The hash-consing table: an open-addressing set of interior nodes keyed by
// (op, operands). Flat storage keeps lookups to one or two cache misses, which
// dominates the cost of building large DAGs.
#pragma once

#include <cstdint>
#include <vector>

#include "gradc/expr.hpp"
#include "ir/hash.hpp"

namespace gradc {

struct InternKey {
    Op op;
    Expr a, b, c;

    std::uint64_t hash() const noexcept {
        std::uint64_t h = hash_mix(static_cast<std::uint64_t>(op));
        h = hash_combine(h, reinterpret_cast<std::uintptr_t>(a));
        h = hash_combine(h, reinterpret_cast<std::uintptr_t>(b));
        return hash_combine(h, reinterpret_cast<std::uintptr_t>(c));
    }
    bool matches(Expr n) const noexcept {
        const int arity = n->arity();
        return n->op() == op && n->arg(0) == a && (arity < 2 || n->arg(1) == b) && (arity < 3 || n->arg(2) == c);
    }
};

class InternTable {
public:
    // The node equal to `key`, or nullptr; `slot` receives where to insert it.
    Expr find(const InternKey& key, std::uint64_t hash, std::size_t& slot) const noexcept {
        if (slots_.empty()) {
            slot = 0;
            return nullptr;
        }
        const std::size_t mask = slots_.size() - 1;
        for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
            const Entry& e = slots_[i];
            if (e.node == nullptr) {
                slot = i;
                return nullptr;
            }
            if (e.hash == hash && key.matches(e.node)) return e.node;
        }
    }

    // Inserts `node` at `slot` from the last find(); grows (and re-probes) when needed.
    void insert(Expr node, std::uint64_t hash, std::size_t slot) {
        if ((size_ + 1) * 4 > slots_.size() * 3) {  // keep the load under 3/4
            grow();
            const std::size_t mask = slots_.size() - 1;
            slot = hash & mask;
            while (slots_[slot].node != nullptr) slot = (slot + 1) & mask;
        }
        slots_[slot] = {node, hash};
        ++size_;
    }

private:
    struct Entry {
        Expr node = nullptr;
        std::uint64_t hash = 0;
    };

    void grow() {
        std::vector<Entry> old = std::move(slots_);
        slots_.assign(old.empty() ? 1024 : old.size() * 2, Entry{});
        const std::size_t mask = slots_.size() - 1;
        for (const Entry& e : old) {
            if (e.node == nullptr) continue;
            std::size_t i = e.hash & mask;
            while (slots_[i].node != nullptr) i = (i + 1) & mask;
            slots_[i] = e;
        }
    }

    std::vector<Entry> slots_;
    std::size_t size_ = 0;
};

}  // namespace gradc
