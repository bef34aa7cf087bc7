#include "jit/session.hpp"

#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/MC/MCSubtargetInfo.h>
#include <llvm/MC/TargetRegistry.h>
#include <llvm/Support/DynamicLibrary.h>
#include <llvm/Support/TargetSelect.h>
#include <llvm/TargetParser/Host.h>

#include "codegen/point_function.hpp"
#include "codegen/row_function.hpp"
#include "codegen/schedule.hpp"
#include "jit/llvm_error.hpp"
#include "jit/llvm_version.hpp"
#include "jit/optimize.hpp"

namespace gradc {

namespace {

void initialize_llvm() {
    static std::once_flag once;
    std::call_once(once, [] {
        llvm::InitializeNativeTarget();
        llvm::InitializeNativeTargetAsmPrinter();
        llvm::InitializeNativeTargetAsmParser();
    });
}

llvm::orc::JITTargetMachineBuilder machine_builder_for(const std::string& cpu) {
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

// 8 doubles per vector with AVX-512, 4 with AVX2, else SSE2's 2.
unsigned widest_vector(const llvm::MCSubtargetInfo& info) {
    if (info.checkFeatures("+avx512f")) return 8;
    if (info.checkFeatures("+avx2")) return 4;
    return 2;
}

std::string unit_key(const Schedule& schedule, KernelRequest request, unsigned lanes) {
    std::string key;
    key.push_back(static_cast<char>(request.kind));
    key.append(std::to_string(request.params)).append(":").append(std::to_string(lanes)).append(":");
    return key.append(fingerprint(schedule));
}

}  // namespace

Jit::Session::Session(JitOptions opts)
    : options(std::move(opts)),
      machine_builder((initialize_llvm(), machine_builder_for(options.cpu))) {
    cpu_name = machine_builder.getCPU();
    cpu_features = machine_builder.getFeatures().getString();
    {
        auto machine = take(machine_builder.createTargetMachine(), "setting up the target");
        lanes = options.lanes != 0 ? options.lanes : widest_vector(*machine->getMCSubtargetInfo());
    }
    if (lanes != 1 && lanes != 2 && lanes != 4 && lanes != 8)
        throw JitError("JitOptions::lanes must be 0 (the widest the CPU has), 1, 2, 4 or 8, not " + std::to_string(lanes));
    // glibc's vector math library; without it, vector code calls libm lane by lane.
    vector_math = options.vector_math && !llvm::sys::DynamicLibrary::LoadLibraryPermanently("libmvec.so.1");
    lljit = take(llvm::orc::LLJITBuilder()
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

CompiledCode Jit::Session::compile(std::span<const Expr> outputs, std::span<const Expr> inputs,
                                   KernelRequest request) {
    const Schedule schedule = make_schedule(outputs, inputs);
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
    const Pipeline pipeline = choose_pipeline(options, schedule.order.size());
    auto context = std::make_unique<llvm::LLVMContext>();
    auto module = std::make_unique<llvm::Module>("gradc", *context);
    module->setDataLayout(lljit->getDataLayout());
    module->setTargetTriple(lljit->getTargetTriple().str());
    LoweringOptions lowering;
    lowering.integer_powers_by_multiplication = options.integer_powers_by_multiplication;
    lowering.vector_math = vector_math;
    if (request.kind == KernelKind::Point) {
        PointFunctionOptions codegen;
        codegen.lowering = lowering;
        codegen.contract_fma = options.contract_fma;
        codegen.block_instructions = pipeline.block_instructions;
        emit_point_function(*module, name, schedule, codegen);
    } else {
        RowFunctionOptions codegen;
        codegen.kind = request.kind == KernelKind::Sum ? RowKind::Sum : RowKind::Map;
        codegen.params = request.params;
        codegen.lanes = lanes;
        codegen.lowering = lowering;
        codegen.contract_fma = options.contract_fma;
        codegen.block_instructions = pipeline.block_instructions;
        emit_row_function(*module, name, schedule, codegen);
    }
    {
        auto machine = take(machine_builder.createTargetMachine(), "setting up the target");
        optimize(*module, *machine, pipeline);
    }
    set_codegen_level(*module, pipeline.codegen_level);
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
