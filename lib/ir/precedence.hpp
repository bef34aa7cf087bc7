// How tightly each form of the infix language binds, shared by the printers.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>

#include "gradc/expr.hpp"

namespace gradc::ir {

// Loosest first, as in the grammar: comparisons (non-associative) < sums < products
// (both left-associative) < unary minus < `^` (right-associative, its exponent may be
// a unary minus) < calls and atoms.
enum Prec : int { kCompare = 0, kSum = 1, kProduct = 2, kUnary = 3, kPower = 4, kAtom = 5 };

namespace detail {

// The precedence column of the op table, beside the form it must agree with.
struct FormPrecedence {
    OpForm form;
    int precedence;
};
inline constexpr std::array<FormPrecedence, kOpCount> kOpPrecedence = {{
#define GRADC_OP(name, spelling, arity, form, commutative, latex, precedence, ...) {OpForm::form, k##precedence},
#include "gradc/ops.def"
#undef GRADC_OP
}};

// Calls and leaves are atoms and only the unary minus is a prefix: the printers
// parenthesize by form first and by precedence among infix operators.
static_assert(std::all_of(kOpPrecedence.begin(), kOpPrecedence.end(), [](const FormPrecedence& p) {
    switch (p.form) {
        case OpForm::Leaf:
        case OpForm::Call: return p.precedence == kAtom;
        case OpForm::Prefix: return p.precedence == kUnary;
        case OpForm::Infix: return p.precedence != kAtom && p.precedence != kUnary;
    }
    return false;
}));

}  // namespace detail

// The precedence of op's infix form; a constant counts as an atom (printers decide
// how a negative one reads).
inline int op_precedence(Op op) { return detail::kOpPrecedence[static_cast<std::size_t>(op)].precedence; }

}  // namespace gradc::ir
