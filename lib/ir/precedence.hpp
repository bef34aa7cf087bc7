// How tightly each form of the infix language binds, shared by the printers.
#pragma once

#include "gradc/error.hpp"
#include "gradc/expr.hpp"

namespace gradc {

// Loosest first, as in the grammar: comparisons (non-associative) < sums < products
// (both left-associative) < unary minus < `^` (right-associative, its exponent may be
// a unary minus) < calls and atoms.
enum Prec : int { kCompare = 0, kSum = 1, kProduct = 2, kUnary = 3, kPower = 4, kAtom = 5 };

// The precedence of op's infix form; a constant counts as an atom (printers decide
// how a negative one reads).
inline int op_precedence(Op op) {
    switch (op) {
        case Op::Const:
        case Op::Var: return kAtom;
        case Op::Neg: return kUnary;
        case Op::Pow: return kPower;
        case Op::Mul:
        case Op::Div: return kProduct;
        case Op::Add:
        case Op::Sub: return kSum;
        case Op::Sqrt:
        case Op::Cbrt:
        case Op::Exp:
        case Op::Expm1:
        case Op::Log:
        case Op::Log1p:
        case Op::Log2:
        case Op::Log10:
        case Op::Sin:
        case Op::Cos:
        case Op::Tan:
        case Op::Asin:
        case Op::Acos:
        case Op::Atan:
        case Op::Sinh:
        case Op::Cosh:
        case Op::Tanh:
        case Op::Asinh:
        case Op::Acosh:
        case Op::Atanh:
        case Op::Abs:
        case Op::Sign:
        case Op::Floor:
        case Op::Ceil:
        case Op::Erf:
        case Op::Relu:
        case Op::Sigmoid:
        case Op::Softplus:
        case Op::Atan2:
        case Op::Hypot:
        case Op::Min:
        case Op::Max:
        case Op::Where: return kAtom;
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge:
        case Op::Eq:
        case Op::Ne: return kCompare;
    }
    GRADC_ASSERT(false, "unknown op");
    return kAtom;
}

}  // namespace gradc
