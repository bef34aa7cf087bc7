#include <string>

#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "ir/straight_line.hpp"

namespace gradc {

Interpreter::Interpreter(std::span<const Expr> outputs, std::span<const Expr> inputs) : input_count_(inputs.size()) {
    const ir::StraightLine line = ir::straight_line(outputs, inputs, ir::StraightLineUser::Interpreter);
    const std::vector<Expr>& order = line.order;
    std::vector<std::uint32_t> slot = line.input_of;  // a variable's value is its input's
    // Constants first, so that all steps follow in one contiguous block.
    for (std::size_t k = 0; k < order.size(); ++k) {
        if (!order[k]->is_const()) continue;
        slot[k] = static_cast<std::uint32_t>(input_count_ + constants_.size());
        constants_.push_back(order[k]->value());
    }
    const std::size_t first_step = input_count_ + constants_.size();
    for (std::size_t k = 0; k < order.size(); ++k) {
        Expr e = order[k];
        if (e->is_const() || e->is_var()) continue;
        Step s{e->op(), 0, 0, 0};
        std::uint32_t* operand_slots[3] = {&s.a, &s.b, &s.c};
        for (int i = 0; i < e->arity(); ++i) *operand_slots[i] = slot[line.position(e->arg(i))];
        slot[k] = static_cast<std::uint32_t>(first_step + steps_.size());
        steps_.push_back(s);
    }
    outputs_.reserve(outputs.size());
    for (std::uint32_t place : line.outputs) outputs_.push_back(slot[place]);
}

void Interpreter::run(std::span<const double> in, std::span<double> out) const {
    GRADC_ASSERT(in.size() == input_count_, "wrong number of input values");
    GRADC_ASSERT(out.size() == outputs_.size(), "wrong number of output slots");
    std::vector<double> values(input_count_ + constants_.size() + steps_.size());
    std::copy(in.begin(), in.end(), values.begin());
    std::copy(constants_.begin(), constants_.end(), values.begin() + static_cast<std::ptrdiff_t>(input_count_));
    std::size_t next = input_count_ + constants_.size();
    for (const Step& s : steps_) values[next++] = apply_op(s.op, values[s.a], values[s.b], values[s.c]);
    for (std::size_t i = 0; i < outputs_.size(); ++i) out[i] = values[outputs_[i]];
}

std::vector<double> Interpreter::run(std::span<const double> in) const {
    std::vector<double> out(outputs_.size());
    run(in, out);
    return out;
}

std::vector<double> evaluate(std::span<const Expr> outputs, std::span<const Expr> inputs,
                             std::span<const double> values) {
    if (values.size() != inputs.size())
        throw SemanticError("expected " + std::to_string(inputs.size()) + " input values, got " +
                            std::to_string(values.size()));
    return Interpreter(outputs, inputs).run(values);
}

double evaluate(Expr output, std::span<const Expr> inputs, std::span<const double> values) {
    return evaluate(std::span<const Expr>(&output, 1), inputs, values).front();
}

}  // namespace gradc
