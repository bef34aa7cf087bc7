// The straight-line body every kernel shares: one SSA value per scheduled node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <llvm/IR/IRBuilder.h>

#include "codegen/lower_op.hpp"
#include "codegen/schedule.hpp"

namespace gradc::codegen {

struct NodeEmission {
    llvm::Type* type = nullptr;  // double, or a vector of doubles (one row per lane)
    // The value of input `position`, emitted at the current insertion point.
    std::function<llvm::Value*(std::uint32_t position)> input;
    LoweringOptions lowering;
    // Starts a new basic block after this many instructions (0: never): the code
    // generator works a block at a time and grows faster than linearly in its size.
    std::size_t block_instructions = 0;
    // Called with each output's index and value right after the value is emitted, so
    // its use (a store, a running sum) comes while it is fresh rather than at the end,
    // where every output would be live at once and spilled.
    std::function<void(std::size_t output, llvm::Value* value)> output_ready;
};

// The value of each node of `schedule.order`, emitted at `b`'s insertion point (which
// may move to new blocks), calling how.output_ready (when set) as outputs appear.
std::vector<llvm::Value*> emit_nodes(llvm::IRBuilder<>& b, const Schedule& schedule, const NodeEmission& how);

}  // namespace gradc::codegen
