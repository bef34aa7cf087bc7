// How much work LLVM spends on a kernel: the IR pass pipeline and the code
// generator's level, chosen from the requested level and the kernel's size.
#pragma once

#include <cstddef>

#include <llvm/IR/Module.h>
#include <llvm/Support/CodeGen.h>
#include <llvm/Target/TargetMachine.h>

#include "gradc/codegen.hpp"

namespace gradc::backend {

struct Pipeline {
    OptLevel ir_level = OptLevel::O2;
    bool light = false;  // a few linear function passes instead of the full pipeline
    // Loop nests written already blocked and vectorized (tensor kernels): promote
    // locals to registers, simplify, hoist invariants out of loops; no unrolling or
    // vectorizing of their own, which would cost compile time and gain nothing.
    bool loop_nests = false;
    llvm::CodeGenOptLevel codegen_level = llvm::CodeGenOptLevel::Default;
    std::size_t block_instructions = 0;  // see codegen::PointFunctionOptions
};

Pipeline choose_pipeline(const CodegenOptions& options, std::size_t nodes);

// Runs the IR passes of `pipeline` over `module`, using `machine` for target facts.
void optimize(llvm::Module& module, llvm::TargetMachine& machine, const Pipeline& pipeline);

// The code generator's level travels with the module to the JIT's compile step as a
// module flag.
void set_codegen_level(llvm::Module& module, llvm::CodeGenOptLevel level);
llvm::CodeGenOptLevel codegen_level(const llvm::Module& module);

}  // namespace gradc::backend
