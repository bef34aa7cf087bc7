#include "emit/machine_code.hpp"

#include <llvm/ADT/SmallVector.h>
#include <llvm/IR/LegacyPassManager.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/raw_ostream.h>

#include "backend/kernel_module.hpp"
#include "backend/optimize.hpp"
#include "backend/target.hpp"
#include "gradc/emit.hpp"

namespace gradc::emit_detail {

std::unique_ptr<llvm::TargetMachine> emit_machine(const CodegenOptions& options) {
    // The CPU and features the JIT would use, in a machine made for files rather than
    // for the JIT: small code model, position-independent code.
    const llvm::orc::JITTargetMachineBuilder builder = backend::target_for(options.cpu);
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

unsigned batch_lanes(const CodegenOptions& options, const llvm::TargetMachine& machine) {
    return backend::kernel_lanes(options, *machine.getMCSubtargetInfo());
}

unsigned batch_lanes(const CodegenOptions& options) { return batch_lanes(options, *emit_machine(options)); }

std::unique_ptr<llvm::Module> emit_module(llvm::LLVMContext& context, const PreparedKernel& kernel,
                                          const CodegenOptions& options, llvm::TargetMachine& machine) {
    const AotKernel& k = *kernel.kernel;
    const bool point = k.kind == AotKind::Point;
    const backend::KernelRequest request{point ? backend::KernelKind::Point : backend::KernelKind::Sum,
                                         point ? 0 : k.params};
    const unsigned lanes = point ? 1 : batch_lanes(options, machine);
    // libmvec is assumed on the target (glibc); the shared library links it when used.
    const backend::KernelCodegen settings{options, lanes, options.vector_math && lanes > 1};
    std::unique_ptr<llvm::Module> module =
        backend::build_kernel_module(context, kernel.schedule, request, k.name, settings, machine);
    module->setPICLevel(llvm::PICLevel::BigPIC);
    // The IR names its machine, as a C compiler's does, so that llc or clang given the
    // .ll file generate the same code.
    for (llvm::Function& f : *module) {
        if (f.isDeclaration()) continue;
        f.addFnAttr("target-cpu", machine.getTargetCPU());
        if (!machine.getTargetFeatureString().empty()) f.addFnAttr("target-features", machine.getTargetFeatureString());
    }
    machine.setOptLevel(backend::codegen_level(*module));
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

// The module of `kernel` as IR text, or as `type` of machine code.
std::string machine_text(const AotKernel& kernel, const CodegenOptions& options,
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

}  // namespace gradc::emit_detail

namespace gradc {

std::string emit_llvm_ir(const AotKernel& kernel, const CodegenOptions& options) {
    return emit_detail::machine_text(kernel, options, std::nullopt);
}

std::string emit_assembly(const AotKernel& kernel, const CodegenOptions& options) {
    return emit_detail::machine_text(kernel, options, llvm::CodeGenFileType::AssemblyFile);
}

std::string emit_object(const AotKernel& kernel, const CodegenOptions& options) {
    return emit_detail::machine_text(kernel, options, llvm::CodeGenFileType::ObjectFile);
}

}  // namespace gradc
