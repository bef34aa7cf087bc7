#include "jit/session.hpp"

#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/Support/DynamicLibrary.h>

#include "codegen/schedule.hpp"
#include "jit/kernel_module.hpp"
#include "jit/llvm_error.hpp"
#include "jit/llvm_version.hpp"
#include "jit/optimize.hpp"
#include "jit/target.hpp"

namespace gradc {

namespace {

// The JIT's compile step: code generation at the level the module asks for, with a
// TargetMachine of its own, so several threads can compile at once.
class LeveledCompiler : public llvm::orc::IRCompileLayer::IRCompiler {
public:
    explicit LeveledCompiler(llvm::orc::JITTargetMachineBuilder builder)
        : IRCompiler(llvm::orc::irManglingOptionsFromTargetOptions(builder.getOptions())),
          builder_(std::move(builder)) {}

    llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> operator()(llvm::Module& module) override {
        llvm::orc::JITTargetMachineBuilder builder = builder_;
        builder.setCodeGenOptLevel(codegen_level(module));
        auto machine = builder.createTargetMachine();
        if (!machine) return machine.takeError();
        return llvm::orc::SimpleCompiler(**machine)(module);
    }

private:
    llvm::orc::JITTargetMachineBuilder builder_;
};

std::string unit_key(const codegen::Schedule& schedule, KernelRequest request, unsigned lanes) {
    std::string key;
    key.push_back(static_cast<char>(request.kind));
    key.append(std::to_string(request.params)).append(":").append(std::to_string(lanes)).append(":");
    return key.append(codegen::fingerprint(schedule));
}

}  // namespace

Jit::Session::Session(JitOptions opts) : options(std::move(opts)), machine_builder(target_for(options.cpu)) {
    cpu_name = machine_builder.getCPU();
    cpu_features = machine_builder.getFeatures().getString();
    {
        auto machine = take(machine_builder.createTargetMachine(), "setting up the target");
        lanes = kernel_lanes(options, *machine->getMCSubtargetInfo());
    }
    // glibc's vector math library; without it, vector code calls libm lane by lane.
    vector_math = options.vector_math && !llvm::sys::DynamicLibrary::LoadLibraryPermanently("libmvec.so.1");
    lljit = take(
        llvm::orc::LLJITBuilder()
            .setJITTargetMachineBuilder(machine_builder)
            .setCompileFunctionCreator([](llvm::orc::JITTargetMachineBuilder builder)
                                           -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
                return std::make_unique<LeveledCompiler>(std::move(builder));
            })
            .create(),
        "creating the JIT");
    // libm and whatever else kernels call resolve to this process's own symbols.
    lljit->getMainJITDylib().addGenerator(
        take(llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(lljit->getDataLayout().getGlobalPrefix()),
             "resolving C library symbols"));
}

Jit::Session::~Session() = default;

CompiledCode Jit::Session::compile(std::span<const Expr> outputs, std::span<const Expr> inputs, KernelRequest request) {
    const codegen::Schedule schedule = codegen::make_schedule(outputs, inputs);
    std::string key = unit_key(schedule, request, lanes);
    std::uint64_t symbol = 0;
    {
        std::lock_guard lock(mutex);
        if (auto it = cache.find(key); it != cache.end())
            if (auto unit = it->second.lock()) {
                ++cache_hits;
                void* address = unit->address;
                return CompiledCode{std::move(unit), address};
            }
        if (free_symbols.empty()) {
            symbol = next_symbol++;
        } else {
            symbol = free_symbols.back();
            free_symbols.pop_back();
        }
        ++live_units;
    }
    auto unit = std::make_shared<CompiledUnit>();
    unit->session = shared_from_this();
    unit->key = std::move(key);
    unit->symbol = symbol;
    unit->tracker = lljit->getMainJITDylib().createResourceTracker();

    const std::string name = "gradc_kernel_" + std::to_string(symbol);
    auto context = std::make_unique<llvm::LLVMContext>();
    std::unique_ptr<llvm::Module> module;
    {
        auto machine = take(machine_builder.createTargetMachine(), "setting up the target");
        module = build_kernel_module(*context, schedule, request, name, KernelCodegen{options, lanes, vector_math},
                                     *machine);
    }
    check(lljit->addIRModule(unit->tracker, llvm::orc::ThreadSafeModule(std::move(module), std::move(context))),
          "adding a kernel");
    unit->address = take(lljit->lookup(name), "compiling a kernel").toPtr<void*>();

    std::shared_ptr<const CompiledUnit> result = unit;
    std::shared_ptr<const CompiledUnit> existing;
    {
        std::lock_guard lock(mutex);
        ++compiled;
        auto& slot = cache[unit->key];
        existing = slot.lock();
        // Another thread compiled the same program meanwhile: keep one copy.
        if (!existing) slot = result;
    }
    if (existing) result = std::move(existing);  // ours is freed here, outside the lock
    void* address = result->address;
    return CompiledCode{std::move(result), address};
}

void Jit::Session::forget(const std::string& key, std::uint64_t symbol) {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end() && it->second.expired()) cache.erase(it);
    free_symbols.push_back(symbol);
    --live_units;
}

CompiledUnit::~CompiledUnit() {
    if (!session) return;
    if (tracker) {
        // Freeing code cannot be reported from a destructor; a failure here leaves
        // memory behind but never a dangling kernel.
        llvm::consumeError(tracker->remove());
    }
    session->forget(key, symbol);
}

}  // namespace gradc
