// Parsing formulas: text -> syntax tree (Spirit X3, with source positions) -> nodes
// in an ExprContext (names resolved, arity checked). The language is documented in
// docs/language.md.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc {

struct ParseLimits {
    // Longest accepted source text, in bytes.
    std::size_t max_length = std::size_t{256} << 20;
    // Deepest nesting of parentheses and calls. The parser recurses on nesting (it runs
    // on its own thread with a large stack), so this bounds its stack use.
    std::size_t max_nesting = 10'000;
};

struct Program {
    std::vector<Expr> outputs;    // the results, in source order
    std::vector<Expr> variables;  // free variables, by first appearance in the source
    std::vector<std::pair<std::string, Expr>> bindings;  // `name = expr;` in source order
};

// Parses `source` into `ctx`. Throws ParseError (with line, column, caret and what was
// expected) for malformed input, unknown names and wrong arity, and for nesting deeper
// than limits.max_nesting (at the '(' that crosses it); LimitError for text longer than
// limits.max_length.
Program parse(ExprContext& ctx, std::string_view source, const ParseLimits& limits = {});

// Parses a formula with exactly one result.
Expr parse_expr(ExprContext& ctx, std::string_view source, const ParseLimits& limits = {});

// A function name the language accepts (aliases included) and the op it means.
struct FunctionSpelling {
    std::string_view name;
    Op op;
};
std::span<const FunctionSpelling> function_spellings() noexcept;

}  // namespace gradc
