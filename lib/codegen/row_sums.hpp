// The running sums of a sum kernel's row loop, in the order jit.hpp documents: row
// begin+t of a call goes into partial sum t mod 8 (each partial starts at -0.0, so its
// first term is exact), and when the loop ends the 8 partials are combined as
// ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)); no rows at all give +0.0. A loop
// iteration covers `lanes` rows, so an output's 8 partials are 8 / lanes slots of one
// vector each, iteration i adding into slot i mod (8 / lanes): every lane count adds
// the same numbers in the same order.
//
// Few outputs keep their slots in loop phis, which the optimizer holds in registers.
// Instead of unrolling the loop body 8 / lanes times, the phis rotate: an iteration adds
// into the first slot and hands every slot one place down, the one just added to going
// last, so the rotation costs no instruction. After a whole number of rounds the slots
// are back in place; the loop then runs over whole groups of 8 rows (whole_groups()),
// the rows past the end adding -0.0, which changes no partial.
//
// Many outputs (a network's gradient has thousands) keep their partials in an array in
// memory instead, 8 doubles (one cache line) per output, the slot picked by the
// iteration's number: a phi per output would stay live through the whole loop body, and
// the fast register allocator of large kernels gives every such value a stack slot of
// its own and copies it on every iteration. The array is on the stack up to
// kStackSumBytes and from malloc() beyond, so no kernel can overflow a thread's stack;
// if malloc() fails, every output is NaN.
#pragma once

#include <cstddef>
#include <vector>

#include <llvm/IR/IRBuilder.h>

namespace gradc::codegen {

class RowSums {
public:
    static constexpr unsigned kPartials = 8;
    static constexpr std::size_t kStackSumBytes = 256 * 1024;

    // At b's insertion point in the entry block: sets up `count` sums of rows in
    // `row_type` (double or a vector of doubles), every partial -0.0. `out` is the
    // kernel's output array.
    RowSums(llvm::IRBuilder<>& b, llvm::Type* row_type, std::size_t count, bool in_memory, llvm::Value* out);

    // The loop must cover whole groups of kPartials rows, counted from begin, for the
    // sums to come out in place.
    bool whole_groups() const noexcept { return memory_base_ == nullptr && count_ > 0 && slots_ > 1; }

    // At the top of the loop header (before any non-phi), with the entry block as the
    // header's first predecessor.
    void enter_loop(llvm::BasicBlock* entry);
    // At the top of the loop body: `offset` is the iteration's first row minus begin.
    void start_iteration(llvm::Value* offset);
    // In the loop body: this iteration's slot of sum k += term.
    void add(std::size_t k, llvm::Value* term);
    // At the end of the loop body, `latch` being the block that branches back.
    void close_loop(llvm::BasicBlock* latch);
    // In the exit block: out[k] = the partials of sum k combined, or +0.0 when `empty`.
    void finish(llvm::Value* empty);

private:
    llvm::Value* combined(llvm::Value* const (&partials)[kPartials]);

    llvm::IRBuilder<>& b_;
    llvm::Type* row_type_;
    unsigned lanes_;  // doubles per slot
    unsigned slots_;  // slots per sum: kPartials / lanes_
    std::size_t count_;
    llvm::Value* out_;
    llvm::Value* memory_ = nullptr;       // the array as allocated, when in memory
    llvm::Value* memory_base_ = nullptr;  // its first sum, on a cache line
    llvm::Value* slot_base_ = nullptr;    // this iteration's slot of sum 0, in memory
    bool heap_ = false;                   // the array came from malloc()
    std::vector<llvm::PHINode*> phis_;    // sum k's slot s at k * slots_ + s
    std::vector<llvm::Value*> next_;      // sum k's first slot plus this iteration's term
};

}  // namespace gradc::codegen
