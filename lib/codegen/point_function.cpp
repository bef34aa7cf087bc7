#include "codegen/point_function.hpp"

#include <vector>

#include <llvm/IR/IRBuilder.h>

#include "codegen/emit_nodes.hpp"

namespace gradc::codegen {

llvm::Function* emit_point_function(llvm::Module& module, const std::string& name, const Schedule& schedule,
                                    const PointFunctionOptions& options) {
    llvm::LLVMContext& context = module.getContext();
    llvm::Type* f64 = llvm::Type::getDoubleTy(context);
    llvm::Type* ptr = llvm::PointerType::getUnqual(context);
    auto* type = llvm::FunctionType::get(llvm::Type::getVoidTy(context), {ptr, ptr}, false);
    auto* function = llvm::Function::Create(type, llvm::Function::ExternalLinkage, name, module);
    function->setDoesNotThrow();
    function->setWillReturn();
    llvm::Argument* in = function->getArg(0);
    llvm::Argument* out = function->getArg(1);
    in->setName("in");
    out->setName("out");
    for (llvm::Argument* arg : {in, out}) {
        arg->addAttr(llvm::Attribute::NoAlias);
        arg->addAttr(llvm::Attribute::NoCapture);
    }
    in->addAttr(llvm::Attribute::ReadOnly);
    out->addAttr(llvm::Attribute::WriteOnly);

    llvm::IRBuilder<> b(llvm::BasicBlock::Create(context, "entry", function));
    if (options.contract_fma) {
        llvm::FastMathFlags flags;
        flags.setAllowContract(true);
        b.setFastMathFlags(flags);
    }
    NodeEmission how;
    how.type = f64;
    how.input = [&](std::uint32_t position) {
        return b.CreateLoad(f64, b.CreateConstInBoundsGEP1_64(f64, in, position));
    };
    how.lowering = options.lowering;
    how.block_instructions = options.block_instructions;
    const std::vector<llvm::Value*> values = emit_nodes(b, schedule, how);
    for (std::size_t r = 0; r < schedule.outputs.size(); ++r)
        b.CreateStore(values[schedule.outputs[r]], b.CreateConstInBoundsGEP1_64(f64, out, r));
    b.CreateRetVoid();
    return function;
}

}  // namespace gradc::codegen
