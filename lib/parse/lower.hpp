// Lowering: statements from the grammar -> nodes in an ExprContext. Names are resolved
// (bindings, constants, variables, functions), arities checked, numbers converted, and
// every misuse reported as a ParseError at the token responsible.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gradc/expr.hpp"
#include "gradc/parse.hpp"
#include "parse/ast.hpp"
#include "parse/grammar.hpp"

namespace gradc::syntax {

// The value of a named constant (pi, e, inf, nan), or nothing.
std::optional<double> named_constant(std::string_view name);

// functions.cpp: the spelling `name`, or null.
const FunctionSpelling* find_function(std::string_view name) noexcept;
// functions.cpp: the spelling a typo most likely meant, or "" when none is close.
std::string_view closest_function(std::string_view name);

struct LoweredProgram {
    Program program;
    std::vector<std::size_t> output_offsets;  // where each result starts in the source
};

// Lowers a formula as the grammar reads it. Recursion follows the syntax tree, whose
// depth the nesting limit bounds; the top-level terms of a statement, chains and
// bindings are handled by loops.
class Lowerer final : public StatementSink {
public:
    Lowerer(ExprContext& ctx, std::string_view source);

    void declaration(ast::Declaration&& declaration) override;
    void binding(const ast::BindingHead& head) override;
    void result(ast::Position pos, bool first) override;
    void term(char op, ast::Position pos, ast::Product&& term) override;
    void compare(ast::Comparison&& comparison) override;
    void end_value(ast::Position semicolon) override;

    // Checks that the program ended with its results and hands them over.
    LoweredProgram finish() &&;

private:
    // A bound name or a variable: one table, so resolving a name costs one lookup.
    struct NameEntry {
        Expr node;
        ast::Position pos;  // the binding's name, or the variable's first use
        bool bound;
    };
    // The binding's value or the result being read, term by term.
    struct Value {
        bool is_binding = false;
        bool first_result = false;  // the first result of its statement
        ast::Name name;             // of the binding
        ast::Position assign = nullptr;
        ast::Position semicolon = nullptr;
        std::size_t terms = 0;
        Expr sum = nullptr;                 // the terms so far
        ast::Name lone_name;                // the only term, when it is a bare name
        Expr compared = nullptr;            // sum <op> rhs, after a comparison
        ast::CmpOp comparison;
    };
    enum class Last { nothing, binding, results };

    Expr lower(const ast::Expr& e);
    Expr lower(const ast::Sum& s);
    Expr lower(const ast::Product& p);
    Expr lower(const ast::Power& p);
    Expr lower(const ast::Operand& o);
    Expr lower_name(const ast::Name& n);
    Expr lower_number(const ast::Number& n);
    Expr lower_call(const ast::Call& c);
    Expr negate(Expr e, std::size_t times);
    // The tensor language's syntax, met in a program that declares no tensor.
    [[noreturn]] void tensor_syntax(ast::Position at, std::string_view what) const;

    void check_statement_order(ast::Position next_statement);
    void check_binding_name(const ast::Name& name);
    [[noreturn]] void fail(ast::Position at, std::string message) const;
    std::size_t line_of(ast::Position p) const;

    ExprContext& ctx_;
    std::string_view source_;
    LoweredProgram out_;
    std::unordered_map<std::string_view, NameEntry> names_;
    std::vector<Expr> scratch_;  // operands of `^` chains, used as a stack

    Value value_;
    Last last_ = Last::nothing;
    Value last_binding_;  // kept for the message when the formula ends after it
    // A lone result `name == value` followed by another statement: most likely a
    // binding written with '=='.
    ast::Position slip_eq_ = nullptr;
    std::string_view slip_name_;
};

}  // namespace gradc::syntax
