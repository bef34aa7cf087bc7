// The hash-consing tables: open-addressing sets of nodes, keyed by (op, operands)
// for interior nodes and by bit pattern for constants. Flat storage keeps a lookup
// to one or two cache misses, which dominates the cost of building large DAGs.
#pragma once

#include <cstdint>
#include <utility>

#include "gradc/expr.hpp"
#include "ir/hash.hpp"

namespace gradc::ir {

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
    std::size_t size() const noexcept { return size_; }

    // Makes room for `n` nodes in all without growing.
    void reserve(std::size_t n) {
        std::size_t want = slots_.empty() ? 1024 : slots_.size();
        while (want * 3 < n * 4) want *= 2;
        if (want > slots_.size()) rehash(want);
    }

    // The node with `hash` for which `matches(node)` holds, or nullptr; `slot`
    // receives where to insert it.
    template <class Match>
    Expr find(std::uint64_t hash, const Match& matches, std::size_t& slot) const noexcept {
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
            if (e.hash == hash && matches(e.node)) return e.node;
        }
    }

    // Inserts `node` at `slot` from the last find(); grows (and re-probes) when needed.
    void insert(Expr node, std::uint64_t hash, std::size_t slot) {
        if ((size_ + 1) * 4 > slots_.size() * 3) {  // keep the load under 3/4
            rehash(slots_.empty() ? 1024 : slots_.size() * 2);
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

    // Slot storage from allocate_large: lookups land on random slots, so large
    // tables want huge pages.
    class Slots {
    public:
        Slots() = default;
        explicit Slots(std::size_t n);
        Slots(Slots&& other) noexcept
            : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
        Slots& operator=(Slots&& other) noexcept {
            std::swap(data_, other.data_);
            std::swap(size_, other.size_);
            return *this;
        }
        ~Slots();
        std::size_t size() const noexcept { return size_; }
        bool empty() const noexcept { return size_ == 0; }
        Entry& operator[](std::size_t i) noexcept { return data_[i]; }
        const Entry& operator[](std::size_t i) const noexcept { return data_[i]; }
        const Entry* begin() const noexcept { return data_; }
        const Entry* end() const noexcept { return data_ + size_; }

    private:
        Entry* data_ = nullptr;
        std::size_t size_ = 0;
    };

    void rehash(std::size_t size) {
        Slots old = std::move(slots_);
        slots_ = Slots(size);
        const std::size_t mask = slots_.size() - 1;
        for (const Entry& e : old) {
            if (e.node == nullptr) continue;
            std::size_t i = e.hash & mask;
            while (slots_[i].node != nullptr) i = (i + 1) & mask;
            slots_[i] = e;
        }
    }

    Slots slots_;
    std::size_t size_ = 0;
};

}  // namespace gradc::ir
