// The straight-line body every kernel shares: one SSA value per scheduled node.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include <llvm/IR/IRBuilder.h>

#include "codegen/lower_op.hpp"
#include "codegen/schedule.hpp"

namespace gradc {

struct NodeEmission {
    llvm::Type* type = nullptr;  // double, or a vector of doubles (one row per lane)
    // The value of input `position`, emitted at the current insertion point.
    std::function<llvm::Value*(std::uint32_t position)> input;
    LoweringOptions lowering;
    // Starts a new basic block after this many instructions (0: never): the code
    // generator works a block at a time and grows faster than linearly in its size.
    std::size_t block_instructions = 0;
};

// The value of each node of `schedule.order`, emitted at `b`'s insertion point (which
// may move to new blocks).
std::vector<llvm::Value*> emit_nodes(llvm::IRBuilder<>& b, const Schedule& schedule, const NodeEmission& how);

}  // namespace gradc
