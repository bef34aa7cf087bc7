// The state behind a gradc::Jit: one ORC LLJIT, the compiled units it holds, and the
// cache that finds a unit again by its program's fingerprint. As in LLVM's
// KaleidoscopeJIT, the layers stay private: callers ask for code and get an address.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>

#include "backend/kernel_module.hpp"
#include "gradc/codegen.hpp"
#include "gradc/expr.hpp"
#include "gradc/jit.hpp"

namespace gradc::jit_detail {

// Machine code at `address`, alive as long as some copy of `unit` is; the unit keeps
// its session alive too.
struct CompiledCode {
    std::shared_ptr<const void> unit;
    void* address = nullptr;
};

// Several functions compiled together, alive as long as some copy of `unit` is.
struct CompiledFunctions {
    std::shared_ptr<const void> unit;
    std::vector<void*> addresses;
};

// Fills `module` (its data layout and target set) with the functions of part `part`,
// their names starting with `prefix`, and returns their names. Called for several parts
// at once from different threads: it may only read what it shares.
using ModuleBuilder =
    std::function<std::vector<std::string>(llvm::Module& module, const std::string& prefix, std::size_t part)>;

class Session;

// The session behind a Jit, for kernel builders outside the Jit class.
struct SessionOf {
    static Session& get(const Jit& jit) { return *jit.session_; }
};

class Session : public std::enable_shared_from_this<Session> {
public:
    // Throws JitError when the target cannot be set up (an unknown CPU).
    static std::shared_ptr<Session> create(CodegenOptions options);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    // The code for `outputs` of `inputs`: from the cache, or compiled now. May be
    // called from several threads at once; a thread asking for a program another is
    // compiling waits for that code.
    CompiledCode compile(std::span<const Expr> outputs, std::span<const Expr> inputs, backend::KernelRequest request);

    // The functions `build` makes in `parts` modules (the tensor kernels), optimized with
    // the loop-nest passes; their addresses in part order, each part's in the order
    // of its names. The parts are built and compiled to machine code on threads of
    // their own, as many at once as the machine has cores. Never cached.
    CompiledFunctions compile_functions(const ModuleBuilder& build, std::size_t parts);

    const CodegenOptions& options() const noexcept { return options_; }
    bool vector_math() const noexcept { return vector_math_; }  // libmvec is loaded and asked for
    const std::string& cpu_name() const noexcept { return cpu_name_; }
    const std::string& cpu_features() const noexcept { return cpu_features_; }
    unsigned lanes() const noexcept { return lanes_; }  // rows per SIMD vector in Sum and Map kernels
    JitStats stats() const;

private:
    // One module's machine code, freed (its ResourceTracker removed) with its last handle.
    struct Unit;

    explicit Session(CodegenOptions options);
    // A fresh symbol number and a unit for it (counted live).
    std::shared_ptr<Unit> new_unit(std::string key);
    // Called by a unit's destructor, once its code is freed.
    void forget(const std::string& key, std::uint64_t symbol);

    CodegenOptions options_;
    llvm::orc::JITTargetMachineBuilder machine_builder_;
    std::string cpu_name_;
    std::string cpu_features_;
    unsigned lanes_ = 1;
    bool vector_math_ = false;  // libmvec is loaded and options_.vector_math is on
    std::unique_ptr<llvm::orc::LLJIT> lljit_;

    mutable std::mutex mutex_;  // guards everything below
    std::unordered_map<std::string, std::weak_ptr<const Unit>> cache_;
    // Programs being compiled now: a thread asking for one of them waits for its code
    // rather than compiling it twice.
    std::unordered_set<std::string> compiling_;
    std::condition_variable compiled_now_;
    std::vector<std::uint64_t> free_symbols_;  // names of freed units, reused so names stay few
    std::uint64_t next_symbol_ = 0;
    std::size_t compiled_ = 0;
    std::size_t cache_hits_ = 0;
    std::size_t live_units_ = 0;
};

}  // namespace gradc::jit_detail
