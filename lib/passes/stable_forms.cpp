// stable_forms(): formulas as people write them, rewritten into the forms that keep
// their precision and range in floating point (the list and its caveats are in
// passes.hpp, the reasons for each pair below). One bottom-up walk over the DAG,
// memoized per node: a node's rule sees its already rewritten operands, looks at most
// two levels down, and the node it builds is matched again until no rule fires, so
// nested forms compose (log(1 + (exp(x) - 1)) becomes x) and the pass is linear.
//
// Left out on purpose:
//   exp(log(u)) -> u, expm1(log1p(u)) -> u: wrong for u below the log's domain.
//   1 - sigmoid(u) -> sigmoid(-u): exact, but every sigmoid's derivative is
//     s*(1 - s), and turning each into a second exp would slow gradients down for
//     an error that only matters inside a log, which the log(1 - sigmoid) rule covers.
//   sqrt(1 + u^2) -> hypot(1, u): the derivative of asinh is built that way, and hypot
//     is several times slower than sqrt for a range problem only past |u| = 1e154.
//   log(1 - exp(u)): the inner 1 - exp(u) becomes -expm1(u), accurate near u = 0; the
//     log of it is left alone.
#include <cstdint>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/passes.hpp"
#include "ir/node_index.hpp"

namespace gradc {

namespace {

// Which stable form a node has, and its operands in that form.
enum class Form : std::uint8_t {
    None,
    Operand,         // u itself
    Log1p,           // log1p(u)
    Log1pOfNegated,  // log1p(-u)
    Expm1,           // expm1(u)
    NegatedExpm1,    // -expm1(u)
    Softplus,        // softplus(u)
    NegatedSoftplus,           // -softplus(u)
    NegatedSoftplusOfNegated,  // -softplus(-u)
    Sigmoid,                   // sigmoid(u)
    SigmoidOfNegated,          // sigmoid(-u)
    Hypot,                     // hypot(u, v)
    Abs,                       // abs(u)
};

struct Match {
    Form form = Form::None;
    Expr u = nullptr;
    Expr v = nullptr;
};

bool is_one(Expr e) { return e->is_const(1.0); }

// The operand of the unary `op` when e is op(u), else nullptr.
Expr operand_of(Expr e, Op op) { return e->op() == op ? e->arg(0) : nullptr; }

// u when e is 1 + u or u + 1 (the factory puts the constant first unless u is a sum).
Expr after_one_plus(Expr e) {
    if (e->op() != Op::Add) return nullptr;
    if (is_one(e->arg(0))) return e->arg(1);
    return is_one(e->arg(1)) ? e->arg(0) : nullptr;
}

// u when e is 1 - u.
Expr after_one_minus(Expr e) { return e->op() == Op::Sub && is_one(e->arg(0)) ? e->arg(1) : nullptr; }

// a when e is a^2 or a*a.
Expr square_base(Expr e) {
    if (e->op() == Op::Pow && e->arg(1)->is_const(2.0)) return e->arg(0);
    return e->op() == Op::Mul && e->arg(0) == e->arg(1) ? e->arg(0) : nullptr;
}

Match match_log(Expr a) {
    // log(exp(u)) = u for every real u and both infinities; only where exp over- or
    // underflows do they differ, and there u is the right answer.
    if (Expr u = operand_of(a, Op::Exp)) return {Form::Operand, u};
    // log(sigmoid(u)) = -log(1 + exp(-u)): -inf below u = -745 where the sigmoid
    // underflows, unless written as a softplus.
    if (Expr u = operand_of(a, Op::Sigmoid)) return {Form::NegatedSoftplusOfNegated, u};
    if (Expr t = after_one_plus(a)) {
        // log(1 + exp(u)): inf past u = 709, where softplus gives u.
        if (Expr u = operand_of(t, Op::Exp)) return {Form::Softplus, u};
        // log(1 + u) loses u's digits below 1e-16 in the sum; log1p keeps them.
        return {Form::Log1p, t};
    }
    if (Expr t = after_one_minus(a)) {
        // log(1 - sigmoid(u)) = log(sigmoid(-u)) = -softplus(u): 1 - sigmoid(u) is 0 past
        // u = 37, so the log would be -inf where the answer is about -u.
        if (Expr u = operand_of(t, Op::Sigmoid)) return {Form::NegatedSoftplus, u};
        return {Form::Log1pOfNegated, t};  // log(1 - u) = log1p(-u), as for log(1 + u)
    }
    return {};
}

// The stable form of op(args), or Form::None when op(args) is already stable. Only the
// ops whose written form can be unstable are named; every other op is stable as it is.
Match match(Op op, std::span<const Expr> args) {
    if (op == Op::Log) return match_log(args[0]);
    if (op == Op::Log1p) {
        if (Expr u = operand_of(args[0], Op::Exp)) return {Form::Softplus, u};  // as log(1 + exp(u))
        // log1p(expm1(u)) = u everywhere expm1 is defined, which is everywhere.
        if (Expr u = operand_of(args[0], Op::Expm1)) return {Form::Operand, u};
        return {};
    }
    if (op == Op::Sub) {
        // exp(u) - 1 loses every digit of u below 1e-16 (it is 0 at u = 1e-17).
        if (is_one(args[1]))
            if (Expr u = operand_of(args[0], Op::Exp)) return {Form::Expm1, u};
        if (is_one(args[0]))
            if (Expr u = operand_of(args[1], Op::Exp)) return {Form::NegatedExpm1, u};  // 1 - exp(u)
        return {};
    }
    if (op == Op::Add) {  // -1 + exp(u), the factory's order of exp(u) + -1
        for (int i = 0; i < 2; ++i)
            if (args[i]->is_const(-1.0))
                if (Expr u = operand_of(args[1 - i], Op::Exp)) return {Form::Expm1, u};
        return {};
    }
    if (op == Op::Div) {
        const Expr t = after_one_plus(args[1]);
        const Expr u = t ? operand_of(t, Op::Exp) : nullptr;
        if (u == nullptr) return {};
        // exp(u)/(1 + exp(u)) is inf/inf = NaN past u = 709, where the sigmoid is 1.
        if (args[0] == t) return {Form::Sigmoid, u};
        // 1/(1 + exp(u)) = sigmoid(-u): the same value, but its derivative, taken as
        // a quotient, is inf/inf where exp(u) overflows.
        if (is_one(args[0])) return {Form::SigmoidOfNegated, u};
        return {};
    }
    if (op == Op::Sqrt) {
        // sqrt(a^2) = |a|, which the square overflows to inf past |a| = 1e154 and
        // underflows to 0 below 1e-162.
        if (Expr a = square_base(args[0])) return {Form::Abs, a};
        // sqrt(a^2 + b^2) = hypot(a, b), the same range problem with two squares.
        if (args[0]->op() != Op::Add) return {};
        const Expr a = square_base(args[0]->arg(0)), b = square_base(args[0]->arg(1));
        if (a && b) return {Form::Hypot, a, b};
        return {};
    }
    return {};
}

// -u, or the operand of a negation: -(-u) is u bit for bit, NaN and zeros included.
Expr negated(ExprContext& ctx, Expr u) { return u->op() == Op::Neg ? u->arg(0) : ctx.neg(u); }

Expr build(ExprContext& ctx, const Match& m) {
    auto call = [&](Op op, Expr a) { return ctx.make(op, a); };
    switch (m.form) {
        case Form::None: break;
        case Form::Operand: return m.u;
        case Form::Log1p: return call(Op::Log1p, m.u);
        case Form::Log1pOfNegated: return call(Op::Log1p, negated(ctx, m.u));
        case Form::Expm1: return call(Op::Expm1, m.u);
        case Form::NegatedExpm1: return ctx.neg(call(Op::Expm1, m.u));
        case Form::Softplus: return call(Op::Softplus, m.u);
        case Form::NegatedSoftplus: return ctx.neg(call(Op::Softplus, m.u));
        case Form::NegatedSoftplusOfNegated: return ctx.neg(call(Op::Softplus, negated(ctx, m.u)));
        case Form::Sigmoid: return call(Op::Sigmoid, m.u);
        case Form::SigmoidOfNegated: return call(Op::Sigmoid, negated(ctx, m.u));
        case Form::Hypot: return ctx.make(Op::Hypot, m.u, m.v);
        case Form::Abs: return call(Op::Abs, m.u);
    }
    GRADC_ASSERT(false, "build() is only called for a match");
    return nullptr;
}

// Applies `m` and then whatever rule the built node matches in turn. A built node's
// own operands are stable already, so only its top can match again (log1p(-u) with u
// a negation, log1p(expm1(u))), and every rule shrinks the node: two rounds at most.
Expr settle(ExprContext& ctx, Match m) {
    Expr e = build(ctx, m);
    for (int round = 0;; ++round) {
        GRADC_ASSERT(round < 8, "a stable form kept matching another rule");
        if (e->arity() == 0) return e;
        m = match(e->op(), e->args());
        if (m.form == Form::None) return e;
        e = build(ctx, m);
    }
}

Expr copy_leaf(ExprContext& ctx, Expr e) { return e->is_const() ? ctx.constant(e->value()) : ctx.variable(e->name()); }

}  // namespace

std::vector<Expr> stable_forms(ExprContext& ctx, std::span<const Expr> outputs) {
    const std::vector<Expr> order = topological_order(outputs);
    const ir::NodeIndex index(order);
    std::vector<Expr> stable(order.size(), nullptr);
    for (std::size_t k = 0; k < order.size(); ++k) {
        const Expr e = order[k];
        // A node of another context is rebuilt here even when no rule touches it.
        const bool ours = ctx.owns(e);
        if (e->arity() == 0) {
            stable[k] = ours ? e : copy_leaf(ctx, e);
            continue;
        }
        Expr args[3] = {nullptr, nullptr, nullptr};
        bool changed = !ours;
        for (int i = 0; i < e->arity(); ++i) {
            args[i] = stable[index(e->arg(i))];
            changed = changed || args[i] != e->arg(i);
        }
        const std::span<const Expr> operands(args, static_cast<std::size_t>(e->arity()));
        // Matched before building, so the node being replaced is not made (an operand
        // of it, such as the 1 + u of log(1 + u), may have been, when u changed).
        const Match m = match(e->op(), operands);
        if (m.form != Form::None)
            stable[k] = settle(ctx, m);
        else
            stable[k] = changed ? ctx.make(e->op(), operands) : e;
    }
    std::vector<Expr> result;
    result.reserve(outputs.size());
    for (Expr e : outputs) result.push_back(stable[index(e)]);
    return result;
}

Expr stable_forms(ExprContext& ctx, Expr e) { return stable_forms(ctx, std::span<const Expr>(&e, 1)).front(); }

bool has_unstable_forms(std::span<const Expr> outputs) {
    // The walk rewrites nothing until some node matches with its original operands, so
    // a match here is exactly "the pass changes something".
    for (Expr e : topological_order(outputs))
        if (e->arity() > 0 && match(e->op(), e->args()).form != Form::None) return true;
    return false;
}

}  // namespace gradc
