// Reverse mode: one backward sweep over the DAG, pruned to the nodes that lead to a
// variable of interest, accumulating each node's adjoint from its users.

#include "autodiff/adjoint.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "ir/node_index.hpp"

namespace gradc {

std::vector<Expr> gradient(ExprContext& ctx, Expr f, std::span<const Expr> wrt) {
    for (Expr w : wrt) GRADC_ASSERT(w->is_var(), "gradient() differentiates with respect to variables");
    const std::vector<Expr> order = topological_order(f);
    const ir::NodeIndex index(order);

    // Forward pass: which nodes depend on some variable in `wrt`.
    std::vector<char> active(order.size(), 0);
    for (Expr w : wrt)
        if (auto at = index(w); at != ir::NodeIndex::npos) active[at] = 1;
    for (std::size_t k = 0; k < order.size(); ++k)
        for (Expr arg : order[k]->args()) active[k] = active[k] || active[index(arg)];

    // Backward pass: each node's adjoint is complete once all its users are visited.
    std::vector<Expr> adjoint(order.size(), nullptr);
    if (active.back()) adjoint.back() = ctx.constant(1.0);
    for (std::size_t k = order.size(); k-- > 0;) {
        Expr n = order[k];
        const Expr g = adjoint[k];
        if (g == nullptr || n->arity() == 0) continue;
        for (int i = 0; i < n->arity(); ++i) {
            const std::uint32_t at = index(n->arg(i));
            if (!active[at]) continue;
            Expr d = autodiff::contribution(ctx, n, i, g);
            if (d == nullptr || d->is_const(0.0)) continue;
            adjoint[at] = adjoint[at] == nullptr ? d : autodiff::accumulate(ctx, adjoint[at], d);
        }
    }

    std::vector<Expr> result;
    result.reserve(wrt.size());
    for (Expr w : wrt) {
        const std::uint32_t at = index(w);
        result.push_back(at == ir::NodeIndex::npos || adjoint[at] == nullptr ? ctx.constant(0.0) : adjoint[at]);
    }
    return result;
}

}  // namespace gradc
