// A kernel's LLVM module, built and optimized: what the JIT links into the process
// and what emission writes out as IR, assembly or an object file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include "codegen/schedule.hpp"
#include "gradc/codegen.hpp"

namespace gradc::backend {

enum class KernelKind : std::uint8_t { Point, Sum, Map };

struct KernelRequest {
    KernelKind kind = KernelKind::Point;
    std::size_t params = 0;  // Sum and Map: how many leading inputs are parameters
};

struct KernelCodegen {
    CodegenOptions options;
    unsigned lanes = 1;        // rows per SIMD vector in Sum and Map kernels
    bool vector_math = false;  // call libmvec in vector code
};

// The module holding `name`, the kernel for `schedule`, optimized for `machine` with
// the pipeline its size calls for; the code generator's level travels with it.
std::unique_ptr<llvm::Module> build_kernel_module(llvm::LLVMContext& context, const codegen::Schedule& schedule,
                                                  KernelRequest request, const std::string& name,
                                                  const KernelCodegen& settings, llvm::TargetMachine& machine);

}  // namespace gradc::backend
