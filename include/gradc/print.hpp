// Printing expressions: infix text that parses back to the identical node, LaTeX,
// and Graphviz DOT. Every printer is iterative and linear in the DAG's size.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc {

struct PrintOptions {
    // A subexpression used more than once whose text is longer than this many nodes
    // is printed once as a binding `t1 = ...;` and referred to by name, so heavily
    // shared DAGs print in linear size.
    std::size_t share_above = 8;
    // Subexpressions nested deeper than this are bound to names too, so the output
    // stays within the parser's nesting limit. A level is a pair of parentheses, a
    // call's arguments, a unary minus's operand or an exponent. At least 1.
    std::size_t max_nesting = 64;
    // Names for subexpressions, such as a formula's own bindings (`r` for
    // sqrt(x^2 + y^2)): a named node that appears in the output is bound under its
    // name. Names must differ from the variables' names and from each other.
    std::vector<std::pair<Expr, std::string>> names;
};

// Infix text split into its parts: the bindings (name and text, in topological order)
// and the text of each output, which may refer to the bindings' names.
struct InfixListing {
    std::vector<std::pair<std::string, std::string>> bindings;
    std::vector<std::string> outputs;
};
InfixListing to_infix_listing(std::span<const Expr> outputs, const PrintOptions& options = {});

// Infix text with minimal parentheses: `x^2*sin(y)`. Several outputs are separated by
// ", "; bindings, when any, come first as `t1 = ...; ` in topological order, numbered
// as printed and skipping names the expression uses as variables. Nothing is
// reassociated (`a - (b - c)`, `a + (b + c)`), and a negative constant is written like
// a unary minus (`(-2)^x`, `x + (-2)`, `x^-2`). parse(to_infix(e)) == e.
std::string to_infix(std::span<const Expr> outputs, const PrintOptions& options = {});
inline std::string to_infix(Expr e, const PrintOptions& options = {}) {
    return to_infix(std::span<const Expr>(&e, 1), options);
}

// LaTeX math (without surrounding $): \frac, \sqrt, ^{}, \sin\left(x\right), cases for
// where. Shared subexpressions are written out at each use; past 16 MB of output this
// throws LimitError (to_infix and to_dot print shared parts once).
std::string to_latex(Expr e);

// A Graphviz digraph of the DAG: one node per distinct subexpression, numbered in
// topological order; edges to operands, labelled by position for non-commutative ops;
// outputs drawn with a double border and pointed at by `out0`, `out1`, ...
std::string to_dot(std::span<const Expr> outputs);

// Shortest text that reads back as exactly `v` ("0.1", "1e+300", "inf", "nan"), with
// ±pi and ±e by name: a number as a formula writes it.
std::string format_number(double v);

// The shortest decimal text that reads back as exactly `v` (std::to_chars: "0.1",
// "2", "1e+21", "-0"), and "nan", "inf", "-inf": a number as data.
std::string shortest_number(double v);

}  // namespace gradc
