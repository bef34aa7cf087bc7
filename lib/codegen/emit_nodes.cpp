#include "codegen/emit_nodes.hpp"

namespace gradc {

std::vector<llvm::Value*> emit_nodes(llvm::IRBuilder<>& b, const Schedule& schedule, const NodeEmission& how) {
    std::vector<llvm::Value*> values(schedule.order.size(), nullptr);
    std::size_t in_block = 0;
    for (std::size_t k = 0; k < schedule.order.size(); ++k) {
        Expr e = schedule.order[k];
        if (e->is_const()) {
            values[k] = llvm::ConstantFP::get(how.type, e->value());
            continue;
        }
        if (e->is_var()) {
            values[k] = how.input(schedule.input_of[k]);
            continue;
        }
        if (how.block_instructions != 0 && ++in_block == how.block_instructions) {
            in_block = 0;
            llvm::BasicBlock* here = b.GetInsertBlock();
            auto* next = llvm::BasicBlock::Create(here->getContext(), "", here->getParent());
            b.CreateBr(next);
            b.SetInsertPoint(next);
        }
        llvm::Value* operands[3] = {};
        for (int i = 0; i < e->arity(); ++i) operands[i] = values[schedule.operand(k, i)];
        values[k] = lower_op(b, e, std::span<llvm::Value* const>(operands, static_cast<std::size_t>(e->arity())),
                             how.lowering);
    }
    return values;
}

}  // namespace gradc
