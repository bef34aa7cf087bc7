// The reference interpreter: evaluates any DAG at a point without generating code.
// It is the oracle every compiled kernel is tested against.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc {

// A DAG flattened once into a straight-line program, then run at many points.
// run() is const and allocates its own scratch, so one Interpreter may be shared by threads.
class Interpreter {
public:
    // `inputs` are the variables, in the order their values will be given.
    // Throws SemanticError when an output depends on a variable not in `inputs`, or a
    // variable it uses is listed twice.
    Interpreter(std::span<const Expr> outputs, std::span<const Expr> inputs);

    std::size_t input_count() const noexcept { return input_count_; }
    std::size_t output_count() const noexcept { return outputs_.size(); }

    void run(std::span<const double> in, std::span<double> out) const;
    std::vector<double> run(std::span<const double> in) const;

private:
    struct Step {
        Op op;
        std::uint32_t a, b, c;  // slots of the operands
    };
    std::size_t input_count_ = 0;
    std::vector<double> constants_;        // slots [input_count_, input_count_ + constants)
    std::vector<Step> steps_;              // one slot each, after the constants
    std::vector<std::uint32_t> outputs_;   // slot of each output
};

// One-off evaluation: the values of `outputs` with `inputs[i] = values[i]`.
std::vector<double> evaluate(std::span<const Expr> outputs, std::span<const Expr> inputs,
                             std::span<const double> values);
double evaluate(Expr output, std::span<const Expr> inputs, std::span<const double> values);

}  // namespace gradc
