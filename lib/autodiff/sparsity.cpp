// The Hessian's sparsity pattern from dependencies alone. Each node carries the set
// of variables it depends on; a node with curvature couples them: a*b couples dep(a)
// with dep(b), a/b couples dep(b) with dep(a) and itself, a smooth nonlinear function
// couples everything it depends on. Linear and piecewise-linear ops couple nothing.
#include <algorithm>
#include <set>

#include "gradc/autodiff.hpp"
#include "ir/node_index.hpp"

namespace gradc {

namespace {

using Deps = std::vector<std::size_t>;  // sorted variable indices

Deps merge(const Deps& a, const Deps& b) {
    Deps out;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

// Which second derivatives an op has (almost everywhere).
enum class Curvature {
    None,      // leaves, linear (+ - neg), piecewise linear or constant, where
    Product,   // a*b: only the mixed term
    Quotient,  // a/b: linear in a
    Full,      // every pair of what it depends on
};

Curvature curvature(Op op) {
    switch (op) {
        case Op::Const:
        case Op::Var:
        case Op::Neg:
        case Op::Add:
        case Op::Sub:
        case Op::Abs:
        case Op::Relu:
        case Op::Min:
        case Op::Max:
        case Op::Sign:
        case Op::Floor:
        case Op::Ceil:
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge:
        case Op::Eq:
        case Op::Ne:
        case Op::Where: return Curvature::None;  // where's branches record their own
        case Op::Mul: return Curvature::Product;
        case Op::Div: return Curvature::Quotient;
        case Op::Pow:
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
        case Op::Erf:
        case Op::Sigmoid:
        case Op::Softplus:
        case Op::Atan2:
        case Op::Hypot: return Curvature::Full;
    }
    return Curvature::Full;
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> hessian_sparsity(Expr f, std::span<const Expr> wrt) {
    const std::vector<Expr> order = topological_order(f);
    const NodeIndex index(order);
    std::vector<Deps> deps(order.size());
    for (std::size_t i = 0; i < wrt.size(); ++i)
        if (auto at = index(wrt[i]); at != NodeIndex::npos) deps[at] = merge(deps[at], Deps{i});
    std::set<std::pair<std::size_t, std::size_t>> pairs;
    auto couple = [&](const Deps& a, const Deps& b) {
        for (std::size_t i : a)
            for (std::size_t j : b) pairs.emplace(std::min(i, j), std::max(i, j));
    };
    for (std::size_t k = 0; k < order.size(); ++k) {
        const Expr n = order[k];
        for (Expr a : n->args()) deps[k] = merge(deps[k], deps[index(a)]);
        switch (curvature(n->op())) {
            case Curvature::None: break;
            case Curvature::Product: couple(deps[index(n->arg(0))], deps[index(n->arg(1))]); break;
            case Curvature::Quotient:
                couple(deps[index(n->arg(0))], deps[index(n->arg(1))]);
                couple(deps[index(n->arg(1))], deps[index(n->arg(1))]);
                break;
            case Curvature::Full: couple(deps[k], deps[k]); break;
        }
    }
    return {pairs.begin(), pairs.end()};
}

}  // namespace gradc
