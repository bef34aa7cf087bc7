// The Hessian's sparsity pattern from dependencies alone. Each node carries the set
// of variables it depends on and whether it is linear in them; a nonlinear node
// couples variables: a*b couples dep(a) with dep(b), a unary nonlinear function
// couples dep(a) with itself. Coupling inside a linear combination propagates up.
#include <algorithm>
#include <unordered_map>
#include <set>

#include "gradc/autodiff.hpp"

namespace gradc {

namespace {

using Deps = std::vector<std::size_t>;  // sorted variable indices

Deps merge(const Deps& a, const Deps& b) {
    Deps out;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

bool linear_op(Op op) {
    switch (op) {
        case Op::Neg:
        case Op::Add:
        case Op::Sub: return true;
        case Op::Const:
        case Op::Var:
        case Op::Pow:
        case Op::Mul:
        case Op::Div:
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
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge:
        case Op::Eq:
        case Op::Ne:
        case Op::Where: return false;
    }
    return false;
}

// Ops whose second derivative is zero almost everywhere: they pass no curvature.
bool piecewise_constant(Op op) {
    return op == Op::Sign || op == Op::Floor || op == Op::Ceil || op == Op::Lt || op == Op::Le || op == Op::Gt ||
           op == Op::Ge || op == Op::Eq || op == Op::Ne;
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> hessian_sparsity(Expr f, std::span<const Expr> wrt) {
    std::unordered_map<Expr, std::size_t> index;
    for (std::size_t i = 0; i < wrt.size(); ++i) index.emplace(wrt[i], i);
    std::unordered_map<Expr, Deps> deps;
    std::set<std::pair<std::size_t, std::size_t>> pairs;
    auto couple = [&](const Deps& a, const Deps& b) {
        for (std::size_t i : a)
            for (std::size_t j : b) pairs.emplace(std::min(i, j), std::max(i, j));
    };
    for (Expr n : topological_order(f)) {
        Deps d;
        if (n->is_var()) {
            if (auto it = index.find(n); it != index.end()) d.push_back(it->second);
        } else {
            for (Expr a : n->args()) d = merge(d, deps[a]);
        }
        const Op op = n->op();
        if (n->arity() > 0 && !linear_op(op) && !piecewise_constant(op)) {
            if (op == Op::Mul) {
                couple(deps[n->arg(0)], deps[n->arg(1)]);  // d2(a*b)/da db = 1; a, b themselves handled below them
            } else if (op == Op::Where) {
                // where selects between branches; their own curvature was recorded below.
            } else if (op == Op::Div) {
                // a/b is linear in a: it couples a with b, and b with itself.
                couple(deps[n->arg(0)], deps[n->arg(1)]);
                couple(deps[n->arg(1)], deps[n->arg(1)]);
            } else if (op == Op::Relu || op == Op::Abs || op == Op::Min || op == Op::Max) {
                // Piecewise linear: curvature only at the kinks, zero almost everywhere.
            } else {
                couple(d, d);
            }
        }
        deps.emplace(n, std::move(d));
    }
    return {pairs.begin(), pairs.end()};
}

}  // namespace gradc
