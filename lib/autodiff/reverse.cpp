// Reverse mode: one backward sweep over the DAG, pruned to the nodes that lead to a
// variable of interest, accumulating each node's adjoint from its users.
#include <unordered_map>
#include <unordered_set>

#include "autodiff/adjoint.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"

namespace gradc {

std::vector<Expr> gradient(ExprContext& ctx, Expr f, std::span<const Expr> wrt) {
    for (Expr w : wrt) GRADC_ASSERT(w->is_var(), "gradient() differentiates with respect to variables");
    const std::vector<Expr> order = topological_order(f);

    // Forward pass: which nodes depend on some variable in `wrt`.
    std::unordered_set<Expr> active(wrt.begin(), wrt.end());
    for (Expr e : order) {
        if (active.contains(e)) continue;
        for (Expr arg : e->args())
            if (active.contains(arg)) {
                active.insert(e);
                break;
            }
    }

    std::unordered_map<Expr, Expr> adjoint;
    if (active.contains(f)) adjoint.emplace(f, ctx.constant(1.0));
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        Expr n = *it;
        auto found = adjoint.find(n);
        if (found == adjoint.end() || n->arity() == 0) continue;
        const Expr g = found->second;
        for (int i = 0; i < n->arity(); ++i) {
            Expr arg = n->arg(i);
            if (!active.contains(arg)) continue;
            Expr d = autodiff::contribution(ctx, n, i, g);
            if (d == nullptr || d->is_const(0.0)) continue;
            auto [slot, inserted] = adjoint.try_emplace(arg, d);
            if (!inserted) slot->second = autodiff::accumulate(ctx, slot->second, d);
        }
    }

    std::vector<Expr> result;
    result.reserve(wrt.size());
    for (Expr w : wrt) {
        auto it = adjoint.find(w);
        result.push_back(it == adjoint.end() ? ctx.constant(0.0) : it->second);
    }
    return result;
}

}  // namespace gradc
