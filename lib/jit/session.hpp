// The state behind a gradc::Jit: one ORC LLJIT, the compiled units it holds, and the
// cache that finds a unit again by its program's fingerprint.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h>
#include <llvm/ExecutionEngine/Orc/LLJIT.h>

#include "gradc/jit.hpp"
#include "jit/kernel_module.hpp"

namespace gradc {

struct CompiledUnit;

struct CompiledCode {
    std::shared_ptr<const CompiledUnit> unit;
    void* address = nullptr;
};

struct Jit::Session : std::enable_shared_from_this<Session> {
    explicit Session(JitOptions options);
    ~Session();

    // The code for `outputs` of `inputs`: from the cache, or compiled now.
    CompiledCode compile(std::span<const Expr> outputs, std::span<const Expr> inputs, KernelRequest request);
    // Called by a unit's destructor, once its code is freed.
    void forget(const std::string& key, std::uint64_t symbol);

    JitOptions options;
    std::string cpu_name;
    std::string cpu_features;
    unsigned lanes = 1;         // rows per SIMD vector in Sum and Map kernels
    bool vector_math = false;   // libmvec is loaded and JitOptions::vector_math is on
    llvm::orc::JITTargetMachineBuilder machine_builder;
    std::unique_ptr<llvm::orc::LLJIT> lljit;

    mutable std::mutex mutex;  // guards everything below
    std::unordered_map<std::string, std::weak_ptr<const CompiledUnit>> cache;
    std::vector<std::uint64_t> free_symbols;  // names of freed units, reused so names stay few
    std::uint64_t next_symbol = 0;
    std::size_t compiled = 0;
    std::size_t cache_hits = 0;
    std::size_t live_units = 0;
};

// One module's machine code, freed (its ResourceTracker removed) with the last Kernel.
struct CompiledUnit {
    std::shared_ptr<Jit::Session> session;
    llvm::orc::ResourceTrackerSP tracker;
    std::string key;
    std::uint64_t symbol = 0;
    void* address = nullptr;

    CompiledUnit() = default;
    CompiledUnit(const CompiledUnit&) = delete;
    CompiledUnit& operator=(const CompiledUnit&) = delete;
    ~CompiledUnit();
};

}  // namespace gradc
