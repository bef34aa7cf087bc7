#include "codegen/emit_nodes.hpp"

#include <algorithm>
#include <utility>

namespace gradc::codegen {

namespace {

// One node's value at b's insertion point, starting a new block every
// how.block_instructions operations.
class NodeEmitter {
public:
    NodeEmitter(llvm::IRBuilder<>& b, const Schedule& schedule, const NodeEmission& how)
        : b_(b), schedule_(schedule), how_(how) {}

    llvm::Value* emit(std::size_t k, const std::vector<llvm::Value*>& values) {
        Expr e = schedule_.order[k];
        if (e->is_const()) return llvm::ConstantFP::get(how_.type, e->value());
        if (e->is_var()) return how_.input(schedule_.input_of[k]);
        if (how_.block_instructions != 0 && ++in_block_ == how_.block_instructions) {
            in_block_ = 0;
            llvm::BasicBlock* here = b_.GetInsertBlock();
            auto* next = llvm::BasicBlock::Create(here->getContext(), "", here->getParent());
            b_.CreateBr(next);
            b_.SetInsertPoint(next);
        }
        llvm::Value* operands[3] = {};
        for (int i = 0; i < e->arity(); ++i) operands[i] = values[schedule_.operand(k, i)];
        return lower_op(b_, e, std::span<llvm::Value* const>(operands, static_cast<std::size_t>(e->arity())),
                        how_.lowering);
    }

private:
    llvm::IRBuilder<>& b_;
    const Schedule& schedule_;
    const NodeEmission& how_;
    std::size_t in_block_ = 0;
};

}  // namespace

std::vector<llvm::Value*> emit_nodes(llvm::IRBuilder<>& b, const Schedule& schedule, const NodeEmission& how) {
    // (place, output index) by place: the outputs that become ready at each place.
    std::vector<std::pair<std::uint32_t, std::size_t>> ready;
    if (how.output_ready) {
        for (std::size_t r = 0; r < schedule.outputs.size(); ++r) ready.emplace_back(schedule.outputs[r], r);
        std::sort(ready.begin(), ready.end());
    }
    auto next_ready = ready.begin();
    NodeEmitter emitter(b, schedule, how);
    std::vector<llvm::Value*> values(schedule.order.size(), nullptr);
    for (std::size_t k = 0; k < schedule.order.size(); ++k) {
        values[k] = emitter.emit(k, values);
        for (; next_ready != ready.end() && next_ready->first == k; ++next_ready)
            how.output_ready(next_ready->second, values[k]);
    }
    return values;
}

}  // namespace gradc::codegen
