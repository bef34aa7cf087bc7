// Seeded random expressions over every op, for property tests.
#pragma once

#include <random>
#include <span>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc::testing {

struct RandomExprOptions {
    int max_depth = 5;         // of the generated tree (the DAG may share nodes)
    double leaf_chance = 0.3;  // chance to stop early at each level
    bool small_constants = true;  // constants in [-3, 3] with one decimal, else any finite double
    // Move the operand of each function with a restricted domain into that domain
    // (log(a) becomes log(abs(a) + 0.1), asin(a) becomes asin(0.9*tanh(a)), ...), so
    // that random points are rarely outside it. Off, the generator covers every input.
    bool domain_safe = false;
};

// The operand `a` of `op` moved into op's domain (see RandomExprOptions::domain_safe).
inline Expr into_domain(ExprContext& ctx, Op op, int operand, Expr a) {
    auto positive = [&](double floor) { return ctx.add(ctx.make(Op::Abs, a), ctx.constant(floor)); };
    if (op == Op::Sqrt || op == Op::Log || op == Op::Log2 || op == Op::Log10) return positive(0.1);
    if (op == Op::Log1p) return ctx.make(Op::Abs, a);
    if (op == Op::Acosh) return positive(1.1);
    if (op == Op::Asin || op == Op::Acos || op == Op::Atanh) return ctx.mul(ctx.constant(0.9), ctx.make(Op::Tanh, a));
    if (op == Op::Pow) return operand == 0 ? positive(0.1) : ctx.make(Op::Tanh, a);
    // Bounded growth keeps intermediate values finite.
    if (op == Op::Exp || op == Op::Expm1 || op == Op::Sinh || op == Op::Cosh) return ctx.make(Op::Tanh, a);
    return a;
}

// Every op except Const and Var, so each is drawn equally often.
inline std::vector<Op> interior_ops() {
    std::vector<Op> ops;
    for (int i = 0; i < kOpCount; ++i) {
        Op op = static_cast<Op>(i);
        if (op_info(op).form != OpForm::Leaf) ops.push_back(op);
    }
    return ops;
}

// Builds an expression top-down with an explicit work list (depth is small, but the
// generator follows the house rule anyway).
inline Expr random_expr(ExprContext& ctx, std::mt19937_64& rng, std::span<const Expr> vars,
                        const RandomExprOptions& options = {}) {
    static const std::vector<Op> ops = interior_ops();
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    auto leaf = [&]() -> Expr {
        if (vars.empty() || unit(rng) < 0.3) {
            if (options.small_constants)
                return ctx.constant(std::round(std::uniform_real_distribution<double>(-3, 3)(rng) * 10) / 10);
            return ctx.constant(std::uniform_real_distribution<double>(-1e6, 1e6)(rng));
        }
        return vars[std::uniform_int_distribution<std::size_t>(0, vars.size() - 1)(rng)];
    };
    // Post-order construction: each frame draws an op, then its operands.
    struct Frame {
        Op op;
        int depth;
        std::vector<Expr> args;
    };
    std::vector<Frame> stack;
    Expr result = nullptr;
    auto open = [&](int depth) {
        if (depth >= options.max_depth || (depth > 0 && unit(rng) < options.leaf_chance)) {
            result = leaf();
            return;
        }
        Op op = ops[std::uniform_int_distribution<std::size_t>(0, ops.size() - 1)(rng)];
        stack.push_back({op, depth, {}});
        result = nullptr;
    };
    open(0);
    while (!stack.empty()) {
        Frame& top = stack.back();
        if (result != nullptr) {
            top.args.push_back(result);
            result = nullptr;
        }
        if (static_cast<int>(top.args.size()) == op_info(top.op).arity) {
            if (options.domain_safe)
                for (std::size_t i = 0; i < top.args.size(); ++i)
                    top.args[i] = into_domain(ctx, top.op, static_cast<int>(i), top.args[i]);
            Expr e = ctx.make(top.op, top.args);
            stack.pop_back();
            result = e;
            continue;
        }
        open(top.depth + 1);
    }
    return result;
}

}  // namespace gradc::testing
