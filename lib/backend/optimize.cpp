#include "backend/optimize.hpp"

#include <llvm/Analysis/CGSCCPassManager.h>
#include <llvm/Analysis/LoopAnalysisManager.h>
#include <llvm/IR/Constants.h>
#include <llvm/IR/PassManager.h>
#include <llvm/Passes/PassBuilder.h>
#include <llvm/Transforms/InstCombine/InstCombine.h>
#include <llvm/Transforms/Scalar/EarlyCSE.h>
#include <llvm/Transforms/Scalar/LICM.h>
#include <llvm/Transforms/Scalar/LoopPassManager.h>
#include <llvm/Transforms/Scalar/SROA.h>
#include <llvm/Transforms/Scalar/SimplifyCFG.h>

namespace gradc::backend {

namespace {

constexpr const char* kCodegenFlag = "gradc.codegen-level";

llvm::CodeGenOptLevel to_codegen(OptLevel level) {
    switch (level) {
        case OptLevel::O0: return llvm::CodeGenOptLevel::None;
        case OptLevel::O1: return llvm::CodeGenOptLevel::Less;
        case OptLevel::O2: return llvm::CodeGenOptLevel::Default;
        case OptLevel::O3: return llvm::CodeGenOptLevel::Aggressive;
    }
    return llvm::CodeGenOptLevel::Default;
}

llvm::OptimizationLevel to_llvm(OptLevel level) {
    switch (level) {
        case OptLevel::O0: return llvm::OptimizationLevel::O0;
        case OptLevel::O1: return llvm::OptimizationLevel::O1;
        case OptLevel::O2: return llvm::OptimizationLevel::O2;
        case OptLevel::O3: return llvm::OptimizationLevel::O3;
    }
    return llvm::OptimizationLevel::O2;
}

}  // namespace

Pipeline choose_pipeline(const CodegenOptions& options, std::size_t nodes) {
    Pipeline p;
    p.ir_level = options.opt_level;
    p.codegen_level = to_codegen(options.opt_level);
    if (options.opt_level != OptLevel::O0 && nodes > options.large_kernel_nodes) {
        p.light = true;
        p.codegen_level = llvm::CodeGenOptLevel::None;
    }
    // Instruction selection and scheduling work one basic block at a time and grow
    // faster than linearly with its size; blocks of this size keep them linear.
    p.block_instructions = 2000;
    return p;
}

void optimize(llvm::Module& module, llvm::TargetMachine& machine, const Pipeline& pipeline) {
    if (pipeline.ir_level == OptLevel::O0) return;
    llvm::LoopAnalysisManager loops;
    llvm::FunctionAnalysisManager functions;
    llvm::CGSCCAnalysisManager cgscc;
    llvm::ModuleAnalysisManager modules;
    llvm::PassBuilder builder(&machine);
    builder.registerModuleAnalyses(modules);
    builder.registerCGSCCAnalyses(cgscc);
    builder.registerFunctionAnalyses(functions);
    builder.registerLoopAnalyses(loops);
    builder.crossRegisterProxies(loops, functions, cgscc, modules);
    llvm::ModulePassManager passes;
    if (pipeline.loop_nests) {
        llvm::FunctionPassManager local;
        local.addPass(llvm::SROAPass(llvm::SROAOptions::ModifyCFG));
        local.addPass(llvm::EarlyCSEPass(/*UseMemorySSA=*/true));
        local.addPass(llvm::InstCombinePass());
        local.addPass(llvm::SimplifyCFGPass());
        local.addPass(
            llvm::createFunctionToLoopPassAdaptor(llvm::LICMPass(llvm::LICMOptions()), /*UseMemorySSA=*/true));
        local.addPass(llvm::InstCombinePass());
        local.addPass(llvm::EarlyCSEPass(/*UseMemorySSA=*/true));
        passes.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(local)));
    } else if (pipeline.light) {
        // The DAG is already free of common subexpressions; what is left to gain is
        // local: folding constants and simplifying selects and compares.
        llvm::FunctionPassManager local;
        local.addPass(llvm::InstCombinePass());
        local.addPass(llvm::EarlyCSEPass());
        passes.addPass(llvm::createModuleToFunctionPassAdaptor(std::move(local)));
    } else {
        passes = builder.buildPerModuleDefaultPipeline(to_llvm(pipeline.ir_level));
    }
    passes.run(module, modules);
}

void set_codegen_level(llvm::Module& module, llvm::CodeGenOptLevel level) {
    module.addModuleFlag(llvm::Module::Override, kCodegenFlag, static_cast<std::uint32_t>(level));
}

llvm::CodeGenOptLevel codegen_level(const llvm::Module& module) {
    auto* value = llvm::mdconst::extract_or_null<llvm::ConstantInt>(module.getModuleFlag(kCodegenFlag));
    if (value == nullptr) return llvm::CodeGenOptLevel::Default;
    return static_cast<llvm::CodeGenOptLevel>(value->getZExtValue());
}

}  // namespace gradc::backend
