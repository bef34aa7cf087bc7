// The Hessian's sparsity pattern from dependencies alone. Each node carries the set
// of variables it depends on; a node with curvature couples them: a*b couples dep(a)
// with dep(b), a/b couples dep(b) with dep(a) and itself, a smooth nonlinear function
// couples everything it depends on. Linear and piecewise-linear ops couple nothing.
#include <algorithm>
#include <set>

#include "gradc/autodiff.hpp"
#include "ir/node_index.hpp"
#include "ir/op_facts.hpp"

namespace gradc {

namespace {

using Deps = std::vector<std::size_t>;  // sorted variable indices

Deps merge(const Deps& a, const Deps& b) {
    Deps out;
    std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
    return out;
}

}  // namespace

std::vector<std::pair<std::size_t, std::size_t>> hessian_sparsity(Expr f, std::span<const Expr> wrt) {
    using ir::Curvature;
    const std::vector<Expr> order = topological_order(f);
    const ir::NodeIndex index(order);
    std::vector<Deps> deps(order.size());
    for (std::size_t i = 0; i < wrt.size(); ++i)
        if (auto at = index(wrt[i]); at != ir::NodeIndex::npos) deps[at] = merge(deps[at], Deps{i});
    std::set<std::pair<std::size_t, std::size_t>> pairs;
    auto couple = [&](const Deps& a, const Deps& b) {
        for (std::size_t i : a)
            for (std::size_t j : b) pairs.emplace(std::min(i, j), std::max(i, j));
    };
    for (std::size_t k = 0; k < order.size(); ++k) {
        const Expr n = order[k];
        for (Expr a : n->args()) deps[k] = merge(deps[k], deps[index(a)]);
        switch (ir::op_facts(n->op()).curvature) {  // the op table's curvature column
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
