// The machine kernels are generated for: the host (its CPU and features detected), or
// a CPU named by the user, so emitted code runs on other machines.
#pragma once

#include <string>

#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/MC/MCSubtargetInfo.h>

#include "gradc/codegen.hpp"

namespace gradc::backend {

// Registers LLVM's native target once per process; only code generation calls it, so
// commands that generate no code never pay for it.
void initialize_llvm();

// The host when `cpu` is empty, else that CPU on this machine's architecture. Throws
// JitError for a CPU name LLVM does not know.
llvm::orc::JITTargetMachineBuilder target_for(const std::string& cpu);

// Doubles per SIMD vector: 8 with AVX-512, 4 with AVX2, else SSE2's 2.
unsigned widest_vector(const llvm::MCSubtargetInfo& info);

// The rows per vector batch and map kernels use: options.lanes, or the widest `info`
// has when it is 0. Throws JitError for a count other than 0, 1, 2, 4 or 8.
unsigned kernel_lanes(const CodegenOptions& options, const llvm::MCSubtargetInfo& info);

}  // namespace gradc::backend
