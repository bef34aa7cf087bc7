#include "backend/target.hpp"

#include <mutex>

#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>

#include "backend/llvm_error.hpp"
#include "backend/llvm_version.hpp"
#include "gradc/codegen.hpp"

namespace gradc::backend {

void initialize_llvm() {
    static std::once_flag once;
    std::call_once(once, [] {
        llvm::InitializeNativeTarget();
        llvm::InitializeNativeTargetAsmPrinter();
        llvm::InitializeNativeTargetAsmParser();
    });
}

llvm::orc::JITTargetMachineBuilder target_for(const std::string& cpu) {
    initialize_llvm();
    if (cpu.empty()) return take(llvm::orc::JITTargetMachineBuilder::detectHost(), "detecting the host CPU");
    llvm::orc::JITTargetMachineBuilder builder{llvm::Triple(llvm::sys::getProcessTriple())};
    std::string error;
    const llvm::Target* target = llvm::TargetRegistry::lookupTarget(builder.getTargetTriple().str(), error);
    if (target == nullptr) throw JitError("no LLVM target for this machine: " + error);
    std::unique_ptr<llvm::MCSubtargetInfo> info(target->createMCSubtargetInfo(builder.getTargetTriple().str(), "", ""));
    if (!info->isCPUStringValid(cpu))
        throw JitError("unknown CPU '" + cpu + "': give a name LLVM knows, such as x86-64-v2, x86-64-v3 or skylake");
    builder.setCPU(cpu);
    return builder;
}

unsigned widest_vector(const llvm::MCSubtargetInfo& info) {
    if (info.checkFeatures("+avx512f")) return 8;
    if (info.checkFeatures("+avx2")) return 4;
    return 2;
}

unsigned kernel_lanes(const CodegenOptions& options, const llvm::MCSubtargetInfo& info) {
    const unsigned lanes = options.lanes != 0 ? options.lanes : widest_vector(info);
    if (lanes != 1 && lanes != 2 && lanes != 4 && lanes != 8)
        throw JitError("JitOptions::lanes must be 0 (the widest the CPU has), 1, 2, 4 or 8, not " +
                       std::to_string(lanes));
    return lanes;
}

}  // namespace gradc::backend
