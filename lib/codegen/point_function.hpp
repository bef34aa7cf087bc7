// The point kernel as an LLVM function: `void name(const double* in, double* out)`,
// one SSA value per scheduled node, all outputs stored at the end.
#pragma once

#include <cstddef>
#include <string>

#include <llvm/IR/Function.h>
#include <llvm/IR/Module.h>

#include "codegen/lower_op.hpp"
#include "codegen/schedule.hpp"

namespace gradc::codegen {

struct PointFunctionOptions {
    LoweringOptions lowering;
    // Marks additions and multiplications contractible into FMAs.
    bool contract_fma = false;
    // Starts a new basic block after this many instructions (0: one block). The code
    // generator works one block at a time, so bounded blocks keep its cost linear.
    std::size_t block_instructions = 0;
};

llvm::Function* emit_point_function(llvm::Module& module, const std::string& name, const Schedule& schedule,
                                    const PointFunctionOptions& options);

}  // namespace gradc::codegen
