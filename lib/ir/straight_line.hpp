// A DAG as straight-line code: every node the outputs reach, once, children before
// parents, with each variable's input position. The interpreter runs it and code
// generation schedules it; both refuse the same inputs through this one step.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "gradc/expr.hpp"
#include "ir/node_index.hpp"

namespace gradc::ir {

struct StraightLine {
    static constexpr std::uint32_t kNotInput = ~std::uint32_t{0};

    std::vector<Expr> order;              // topological (depth-first post-order)
    NodeIndex position;                   // node -> its place in `order`
    std::vector<std::uint32_t> input_of;  // per place: the input position of a variable
    std::vector<std::uint32_t> outputs;   // place of each output
};

// Who runs the code, for the messages of the errors below.
enum class StraightLineUser { Interpreter, Kernel };

// Throws SemanticError when a variable the outputs use is listed twice among `inputs`
// or not at all; an input the outputs never read is left out. `inputs` must be variables.
StraightLine straight_line(std::span<const Expr> outputs, std::span<const Expr> inputs, StraightLineUser user);

}  // namespace gradc::ir
