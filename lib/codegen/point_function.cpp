#include "codegen/point_function.hpp"

#include <vector>

#include <llvm/IR/IRBuilder.h>

namespace gradc {

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
    std::vector<llvm::Value*> values(schedule.order.size(), nullptr);
    std::size_t in_block = 0;
    for (std::size_t k = 0; k < schedule.order.size(); ++k) {
        Expr e = schedule.order[k];
        if (e->is_const()) {
            values[k] = llvm::ConstantFP::get(f64, e->value());
            continue;
        }
        if (e->is_var()) {
            llvm::Value* address = b.CreateConstInBoundsGEP1_64(f64, in, schedule.input_of[k]);
            values[k] = b.CreateLoad(f64, address, e->name());
            continue;
        }
        if (options.block_instructions != 0 && ++in_block == options.block_instructions) {
            in_block = 0;
            auto* next = llvm::BasicBlock::Create(context, "", function);
            b.CreateBr(next);
            b.SetInsertPoint(next);
        }
        llvm::Value* operands[3] = {};
        for (int i = 0; i < e->arity(); ++i) operands[i] = values[schedule.operand(k, i)];
        values[k] = lower_op(b, e, std::span<llvm::Value* const>(operands, static_cast<std::size_t>(e->arity())),
                             options.lowering);
    }
    for (std::size_t r = 0; r < schedule.outputs.size(); ++r)
        b.CreateStore(values[schedule.outputs[r]], b.CreateConstInBoundsGEP1_64(f64, out, r));
    b.CreateRetVoid();
    return function;
}

}  // namespace gradc
