#include "ir/straight_line.hpp"

#include <string>

#include "gradc/error.hpp"

namespace gradc::ir {

StraightLine straight_line(std::span<const Expr> outputs, std::span<const Expr> inputs, StraightLineUser user) {
    const bool kernel = user == StraightLineUser::Kernel;
    std::vector<Expr> order = topological_order(outputs);
    NodeIndex position(order);
    std::vector<std::uint32_t> input_of(order.size(), StraightLine::kNotInput);
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        GRADC_ASSERT(inputs[i]->is_var(),
                     kernel ? "kernel inputs must be variables" : "interpreter inputs must be variables");
        const std::uint32_t at = position(inputs[i]);
        if (at == NodeIndex::npos) continue;  // unused: its value is never read
        if (input_of[at] != StraightLine::kNotInput)
            throw SemanticError("the variable '" + std::string(inputs[i]->name()) + "' is listed twice among " +
                                (kernel ? "the kernel's inputs" : "the inputs") + ": list each once");
        input_of[at] = static_cast<std::uint32_t>(i);
    }
    for (std::size_t k = 0; k < order.size(); ++k)
        if (order[k]->is_var() && input_of[k] == StraightLine::kNotInput)
            throw SemanticError(kernel ? "the kernel's outputs use the variable '" + std::string(order[k]->name()) +
                                             "', which is not among its inputs: list it as an input"
                                       : "no value given for variable '" + std::string(order[k]->name()) + "'");
    std::vector<std::uint32_t> places;
    places.reserve(outputs.size());
    for (Expr e : outputs) places.push_back(position(e));
    return StraightLine{std::move(order), std::move(position), std::move(input_of), std::move(places)};
}

}  // namespace gradc::ir
