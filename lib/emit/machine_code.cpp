#include "emit/machine_code.hpp"

#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/raw_ostream.h>

#include "gradc/emit.hpp"
#include "jit/kernel_module.hpp"
#include "jit/llvm_error.hpp"
#include "jit/optimize.hpp"
#include "jit/target.hpp"

namespace gradc {

std::unique_ptr<llvm::TargetMachine> emit_machine(const JitOptions& options) {
    // The CPU and features the JIT would use, in a machine made for files rather than
    // for the JIT: small code model, position-independent code.
    const llvm::orc::JITTargetMachineBuilder builder = target_for(options.cpu);
    const std::string triple = builder.getTargetTriple().str();
    std::string error;
    const llvm::Target* target = llvm::TargetRegistry::lookupTarget(triple, error);
    if (target == nullptr) throw JitError("no LLVM target for " + triple + ": " + error);
    std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
        triple, builder.getCPU(), builder.getFeatures().getString(), llvm::TargetOptions(), llvm::Reloc::PIC_,
        llvm::CodeModel::Small, llvm::CodeGenOptLevel::Default, /*JIT=*/false));
    if (machine == nullptr) throw JitError("LLVM cannot generate code for the CPU '" + builder.getCPU() + "'");
    return machine;
}

unsigned batch_lanes(const JitOptions& options, const llvm::TargetMachine& machine) {
    return kernel_lanes(options, *machine.getMCSubtargetInfo());
}

unsigned batch_lanes(const JitOptions& options) { return batch_lanes(options, *emit_machine(options)); }

std::unique_ptr<llvm::Module> emit_module(llvm::LLVMContext& context, const PreparedKernel& kernel,
                                          const JitOptions& options, llvm::TargetMachine& machine) {
    const AotKernel& k = *kernel.kernel;
    const bool point = k.kind == AotKind::Point;
    const KernelRequest request{point ? KernelKind::Point : KernelKind::Sum, point ? 0 : k.params};
    const unsigned lanes = point ? 1 : batch_lanes(options, machine);
    // libmvec is assumed on the target (glibc); the shared library links it when used.
    const KernelCodegen codegen{options, lanes, options.vector_math && lanes > 1};
    std::unique_ptr<llvm::Module> module =
        build_kernel_module(context, kernel.schedule, request, k.name, codegen, machine);
    module->setPICLevel(llvm::PICLevel::BigPIC);
    // The IR names its machine, as a C compiler's does, so that llc or clang given the
    // .ll file generate the same code.
    for (llvm::Function& f : *module) {
        if (f.isDeclaration()) continue;
        f.addFnAttr("target-cpu", machine.getTargetCPU());
        if (!machine.getTargetFeatureString().empty()) f.addFnAttr("target-features", machine.getTargetFeatureString());
    }
    machine.setOptLevel(codegen_level(*module));
    return module;
}

std::string generate_code(llvm::Module& module, llvm::TargetMachine& machine, llvm::CodeGenFileType type) {
    llvm::SmallVector<char, 0> buffer;
    llvm::raw_svector_ostream stream(buffer);
    llvm::legacy::PassManager passes;
    if (machine.addPassesToEmitFile(passes, stream, nullptr, type))
        throw JitError("LLVM cannot write " +
                       std::string(type == llvm::CodeGenFileType::AssemblyFile ? "assembly" : "object files") +
                       " for the CPU '" + machine.getTargetCPU().str() + "'");
    passes.run(module);
    return std::string(buffer.begin(), buffer.end());
}

bool calls_libmvec(const llvm::Module& module) {
    for (const llvm::Function& f : module)
        if (f.isDeclaration() && f.getName().starts_with("_ZGV")) return true;
    return false;
}

namespace {

std::string machine_text(const AotKernel& kernel, const JitOptions& options,
                         std::optional<llvm::CodeGenFileType> type) {
    const std::vector<PreparedKernel> prepared = prepare(std::span<const AotKernel>(&kernel, 1), options);
    const std::unique_ptr<llvm::TargetMachine> machine = emit_machine(options);
    llvm::LLVMContext context;
    const std::unique_ptr<llvm::Module> module = emit_module(context, prepared.front(), options, *machine);
    if (type) return generate_code(*module, *machine, *type);
    std::string text;
    llvm::raw_string_ostream stream(text);
    module->print(stream, nullptr);
    stream.flush();
    return text;
}

}  // namespace

std::string emit_llvm_ir(const AotKernel& kernel, const JitOptions& options) {
    return machine_text(kernel, options, std::nullopt);
}

std::string emit_assembly(const AotKernel& kernel, const JitOptions& options) {
    return machine_text(kernel, options, llvm::CodeGenFileType::AssemblyFile);
}

std::string emit_object(const AotKernel& kernel, const JitOptions& options) {
    return machine_text(kernel, options, llvm::CodeGenFileType::ObjectFile);
}

}  // namespace gradc
