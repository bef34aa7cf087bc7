// Machine code for emitted kernels: the optimized module the JIT would build for a kernel
// (backend/kernel_module.hpp), generated as position-independent code for a named CPU
// or the host.
#pragma once

#include <memory>
#include <string>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Support/CodeGen.h>
#include <llvm/Target/TargetMachine.h>

#include "emit/prepared.hpp"
#include "gradc/codegen.hpp"

namespace gradc::emit_detail {

// A TargetMachine for options.cpu (the host when empty). Its code is position
// independent, so objects link into shared libraries and into PIE programs alike.
std::unique_ptr<llvm::TargetMachine> emit_machine(const CodegenOptions& options);

// Rows per SIMD vector in batch kernels: options.lanes, or the widest the machine's
// CPU has (2 for x86-64-v2). Throws JitError for a count other than 0, 1, 2, 4 or 8.
unsigned batch_lanes(const CodegenOptions& options, const llvm::TargetMachine& machine);
unsigned batch_lanes(const CodegenOptions& options);

// The kernel's optimized module; `machine` is left at the code generator level the
// module's size calls for.
std::unique_ptr<llvm::Module> emit_module(llvm::LLVMContext& context, const PreparedKernel& kernel,
                                          const CodegenOptions& options, llvm::TargetMachine& machine);

// Assembly text or object bytes of `module`.
std::string generate_code(llvm::Module& module, llvm::TargetMachine& machine, llvm::CodeGenFileType type);

// True when vector code in `module` calls glibc's vector math library (libmvec).
bool calls_libmvec(const llvm::Module& module);

}  // namespace gradc::emit_detail
