// The running sums of a sum kernel's row loop: one vector of `lanes` partial sums per
// output, added up lane by lane in lane order when the loop ends.
//
// Few outputs keep their sums in loop phis, which the optimizer holds in registers.
// Many outputs (a network's gradient has thousands) keep them in an array in memory
// instead: a phi per output would stay live through the whole loop body, and the fast
// register allocator of large kernels gives every such value a stack slot of its own
// and copies it on every iteration. The array is on the stack up to
// kStackSumBytes and from malloc() beyond, so no kernel can overflow a thread's stack;
// if malloc() fails, every output is NaN.
#pragma once

#include <cstddef>
#include <vector>

#include <llvm/IR/IRBuilder.h>

namespace gradc::codegen {

class RowSums {
public:
    static constexpr std::size_t kStackSumBytes = 256 * 1024;

    // At b's insertion point in the entry block: sets up `count` sums of `row_type`
    // (double or a vector of doubles), zeroed. `out` is the kernel's output array.
    RowSums(llvm::IRBuilder<>& b, llvm::Type* row_type, std::size_t count, bool in_memory, llvm::Value* out);

    // At the top of the loop header (before any non-phi), with the entry block as the
    // header's first predecessor.
    void enter_loop(llvm::BasicBlock* entry);
    // In the loop body: sum k += term.
    void add(std::size_t k, llvm::Value* term);
    // At the end of the loop body, `latch` being the block that branches back.
    void close_loop(llvm::BasicBlock* latch);
    // In the exit block: out[k] = the lanes of sum k added in lane order.
    void finish();

private:
    llvm::Value* lane_total(llvm::Value* lanes);

    llvm::IRBuilder<>& b_;
    llvm::Type* row_type_;
    std::size_t count_;
    llvm::Value* out_;
    llvm::Value* memory_ = nullptr;       // the array as allocated, when in memory
    llvm::Value* memory_base_ = nullptr;  // its first sum, on a cache line
    bool heap_ = false;                   // the array came from malloc()
    std::vector<llvm::PHINode*> phis_;
    std::vector<llvm::Value*> next_;
};

}  // namespace gradc::codegen
