// LLVM IR for one op of the table: the scalar semantics of apply_op (ops.cpp), written
// as instructions so that the optimizer sees through them (comparisons, selects,
// min/max, relu, sign, sigmoid and softplus inline; the rest as libm calls).
#pragma once

#include <llvm/IR/IRBuilder.h>

#include "gradc/expr.hpp"

namespace gradc::codegen {

struct LoweringOptions {
    bool integer_powers_by_multiplication = true;
    // Vector code only: call glibc's libmvec for the functions it has (exp, log, sin,
    // pow, ...; within 4 ulp of libm) instead of scalar libm lane by lane.
    bool vector_math = true;
};

// `node` is the op being lowered (its constant operands decide special forms such as
// x^3 = x*x*x); `operands` are its arguments' values, already lowered, in order:
// doubles, or vectors of doubles with one row per lane.
llvm::Value* lower_op(llvm::IRBuilder<>& b, Expr node, std::span<llvm::Value* const> operands,
                      const LoweringOptions& options);

}  // namespace gradc::codegen
