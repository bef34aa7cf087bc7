#include "jit/session.hpp"

#include <algorithm>
#include <thread>

#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/ExecutionEngine/Orc/ExecutionUtils.h>
#include <llvm/ExecutionEngine/Orc/ThreadSafeModule.h>
#include <llvm/Support/DynamicLibrary.h>

#include "backend/kernel_module.hpp"
#include "backend/llvm_error.hpp"
#include "backend/optimize.hpp"
#include "backend/target.hpp"
#include "codegen/schedule.hpp"
#include "gradc/thread_pool.hpp"

namespace gradc::jit_detail {

using backend::KernelRequest;
using backend::take;

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
        builder.setCodeGenOptLevel(backend::codegen_level(module));
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

// The tracker is declared after the session so that it is released first: it belongs
// to the session's LLJIT, and the unit may be the session's last owner.
struct Session::Unit {
    std::shared_ptr<Session> session;
    llvm::orc::ResourceTrackerSP tracker;
    std::string key;
    std::uint64_t symbol = 0;
    void* address = nullptr;

    Unit(std::shared_ptr<Session> owner, std::string name, std::uint64_t number)
        : session(std::move(owner)), key(std::move(name)), symbol(number) {}
    Unit(const Unit&) = delete;
    Unit& operator=(const Unit&) = delete;
    ~Unit() {
        if (tracker) {
            // Freeing code cannot be reported from a destructor; a failure here leaves
            // memory behind but never a dangling kernel.
            llvm::consumeError(tracker->remove());
        }
        session->forget(key, symbol);
    }
};

std::shared_ptr<Session> Session::create(CodegenOptions options) {
    // Not make_shared: the constructor is private, so that every session is shared and
    // its units can keep it alive.
    return std::shared_ptr<Session>(new Session(std::move(options)));
}

Session::Session(CodegenOptions options)
    : options_(std::move(options)), machine_builder_(backend::target_for(options_.cpu)) {
    cpu_name_ = machine_builder_.getCPU();
    cpu_features_ = machine_builder_.getFeatures().getString();
    {
        auto machine = take(machine_builder_.createTargetMachine(), "setting up the target");
        lanes_ = backend::kernel_lanes(options_, *machine->getMCSubtargetInfo());
    }
    // glibc's vector math library; without it, vector code calls libm lane by lane.
    vector_math_ = options_.vector_math && !llvm::sys::DynamicLibrary::LoadLibraryPermanently("libmvec.so.1");
    lljit_ = take(
        llvm::orc::LLJITBuilder()
            .setJITTargetMachineBuilder(machine_builder_)
            .setCompileFunctionCreator([](llvm::orc::JITTargetMachineBuilder builder)
                                           -> llvm::Expected<std::unique_ptr<llvm::orc::IRCompileLayer::IRCompiler>> {
                return std::make_unique<LeveledCompiler>(std::move(builder));
            })
            .create(),
        "creating the JIT");
    // libm and whatever else kernels call resolve to this process's own symbols.
    lljit_->getMainJITDylib().addGenerator(
        take(llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(lljit_->getDataLayout().getGlobalPrefix()),
             "resolving C library symbols"));
}

Session::~Session() = default;

CompiledCode Session::compile(std::span<const Expr> outputs, std::span<const Expr> inputs, KernelRequest request) {
    const codegen::Schedule schedule = codegen::make_schedule(outputs, inputs);
    std::string key = unit_key(schedule, request, lanes_);
    {
        std::unique_lock lock(mutex_);
        while (true) {
            if (auto it = cache_.find(key); it != cache_.end())
                if (auto unit = it->second.lock()) {
                    ++cache_hits_;
                    void* address = unit->address;
                    return CompiledCode{std::move(unit), address};
                }
            if (!compiling_.contains(key)) break;
            compiled_now_.wait(lock);  // another thread is compiling this program
        }
        compiling_.insert(key);
    }
    // However this ends, the program is no longer being compiled: waiting threads look
    // again (and compile it themselves if this failed).
    struct Done {
        Session& session;
        std::string key;
        ~Done() {
            {
                const std::lock_guard lock(session.mutex_);
                session.compiling_.erase(key);
            }
            session.compiled_now_.notify_all();
        }
    } done{*this, key};
    std::shared_ptr<Unit> unit = new_unit(std::move(key));
    const std::string name = "gradc_kernel_" + std::to_string(unit->symbol);
    auto context = std::make_unique<llvm::LLVMContext>();
    std::unique_ptr<llvm::Module> module;
    {
        auto machine = take(machine_builder_.createTargetMachine(), "setting up the target");
        module = backend::build_kernel_module(*context, schedule, request, name,
                                              backend::KernelCodegen{options_, lanes_, vector_math_}, *machine);
    }
    backend::check(
        lljit_->addIRModule(unit->tracker, llvm::orc::ThreadSafeModule(std::move(module), std::move(context))),
        "adding a kernel");
    unit->address = take(lljit_->lookup(name), "compiling a kernel").toPtr<void*>();

    std::shared_ptr<const Unit> result = unit;
    {
        std::lock_guard lock(mutex_);
        ++compiled_;
        cache_[unit->key] = result;
    }
    void* address = result->address;
    return CompiledCode{std::move(result), address};
}

std::shared_ptr<Session::Unit> Session::new_unit(std::string key) {
    std::uint64_t symbol = 0;
    {
        std::lock_guard lock(mutex_);
        if (free_symbols_.empty()) {
            symbol = next_symbol_++;
        } else {
            symbol = free_symbols_.back();
            free_symbols_.pop_back();
        }
        ++live_units_;
    }
    auto unit = std::make_shared<Unit>(shared_from_this(), std::move(key), symbol);
    unit->tracker = lljit_->getMainJITDylib().createResourceTracker();
    return unit;
}

CompiledFunctions Session::compile_functions(const ModuleBuilder& build, std::size_t parts) {
    std::shared_ptr<Unit> unit = new_unit({});
    const std::string prefix = "gradc_kernel_" + std::to_string(unit->symbol);
    // The light pipeline's threshold counts scalar nodes; a loop nest's code follows its
    // stages instead, so tensor kernels always get the loop-nest passes and the
    // requested code generator level.
    backend::Pipeline pipeline = backend::choose_pipeline(options_, 0);
    pipeline.loop_nests = true;
    llvm::orc::JITTargetMachineBuilder machine_builder = machine_builder_;
    machine_builder.setCodeGenOptLevel(pipeline.codegen_level);

    // Each part: a context and module of its own, optimized and compiled to an object,
    // the parts at once on the cores there are (ThreadPool rethrows a part's error).
    struct Part {
        std::vector<std::string> names;
        std::unique_ptr<llvm::MemoryBuffer> object;
    };
    std::vector<Part> built(parts);
    const std::size_t cores = std::max(1u, std::thread::hardware_concurrency());
    ThreadPool(std::min(parts, cores)).run(parts, [&](std::size_t part) {
        llvm::LLVMContext context;
        llvm::Module module("gradc", context);
        auto machine = take(machine_builder.createTargetMachine(), "setting up the target");
        module.setDataLayout(machine->createDataLayout());
        module.setTargetTriple(machine->getTargetTriple().str());
        built[part].names = build(module, prefix, part);
        backend::optimize(module, *machine, pipeline);
        built[part].object = take(llvm::orc::SimpleCompiler(*machine)(module), "compiling a kernel");
    });
    for (Part& part : built)
        backend::check(lljit_->addObjectFile(unit->tracker, std::move(part.object)), "adding a kernel");
    CompiledFunctions code;
    for (const Part& part : built)
        for (const std::string& name : part.names)
            code.addresses.push_back(take(lljit_->lookup(name), "linking a kernel").toPtr<void*>());
    {
        std::lock_guard lock(mutex_);
        ++compiled_;
    }
    code.unit = std::move(unit);
    return code;
}

JitStats Session::stats() const {
    std::lock_guard lock(mutex_);
    return JitStats{compiled_, cache_hits_, live_units_};
}

void Session::forget(const std::string& key, std::uint64_t symbol) {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(key); it != cache_.end() && it->second.expired()) cache_.erase(it);
    free_symbols_.push_back(symbol);
    --live_units_;
}

}  // namespace gradc::jit_detail
