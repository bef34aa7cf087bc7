// Forward mode: tangents pushed through the DAG in topological order. It reuses the
// reverse-mode rules, since each rule's contribution g * dn/da_i is linear in g:
// a tangent t_a entering operand i gives t_n += contribution(n, i, t_a).

#include "autodiff/adjoint.hpp"
#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "ir/node_index.hpp"

namespace gradc {

std::vector<Expr> jvp(ExprContext& ctx, std::span<const Expr> outputs, std::span<const Expr> wrt,
                      std::span<const Expr> direction) {
    GRADC_ASSERT(wrt.size() == direction.size(), "jvp needs one direction entry per variable");
    const std::vector<Expr> order = topological_order(outputs);
    const ir::NodeIndex index(order);
    std::vector<Expr> tangent(order.size(), nullptr);
    for (std::size_t i = 0; i < wrt.size(); ++i) {
        GRADC_ASSERT(wrt[i]->is_var(), "jvp() differentiates with respect to variables");
        const std::uint32_t at = index(wrt[i]);
        if (at == ir::NodeIndex::npos || direction[i]->is_const(0.0)) continue;
        // A variable listed twice moves along the sum of its directions.
        tangent[at] = tangent[at] == nullptr ? direction[i] : ctx.add(tangent[at], direction[i]);
    }
    for (std::size_t k = 0; k < order.size(); ++k) {
        Expr n = order[k];
        for (int i = 0; i < n->arity(); ++i) {
            Expr t = tangent[index(n->arg(i))];
            if (t == nullptr) continue;
            Expr d = autodiff::contribution(ctx, n, i, t);
            if (d == nullptr || d->is_const(0.0)) continue;
            tangent[k] = tangent[k] == nullptr ? d : autodiff::accumulate(ctx, tangent[k], d);
        }
    }
    std::vector<Expr> result;
    result.reserve(outputs.size());
    for (Expr f : outputs) {
        Expr t = tangent[index(f)];
        result.push_back(t == nullptr ? ctx.constant(0.0) : t);
    }
    return result;
}

Expr jvp(ExprContext& ctx, Expr f, std::span<const Expr> wrt, std::span<const Expr> direction) {
    return jvp(ctx, std::span<const Expr>(&f, 1), wrt, direction).front();
}

}  // namespace gradc
