#include "tensor/substitute.hpp"

#include <algorithm>
#include <unordered_map>
#include <vector>

namespace gradc::tensor {

Expr substitute(ExprContext& ctx, Expr e, std::span<const Expr> from, std::span<const Expr> to) {
    std::unordered_map<Expr, Expr> done;
    for (std::size_t j = 0; j < from.size(); ++j) done[from[j]] = to[j];
    for (const Expr n : topological_order(e)) {
        if (done.count(n)) continue;
        if (n->arity() == 0) {
            done[n] = n;
            continue;
        }
        Expr args[3];
        for (int i = 0; i < n->arity(); ++i) args[i] = done.at(n->arg(i));
        done[n] = ctx.make(n->op(), std::span<const Expr>(args, static_cast<std::size_t>(n->arity())));
    }
    return done.at(e);
}

Tensor map_of_used(TensorContext& ctx, Expr body, std::span<const Tensor> operands, std::size_t keep) {
    const std::vector<Expr> used = free_variables(std::span<const Expr>(&body, 1));
    std::vector<Expr> from, to;
    std::vector<Tensor> kept;
    for (std::size_t j = 0; j < operands.size(); ++j)
        if (j < keep || std::find(used.begin(), used.end(), ctx.placeholder(j)) != used.end()) {
            from.push_back(ctx.placeholder(j));
            to.push_back(ctx.placeholder(kept.size()));
            kept.push_back(operands[j]);
        }
    return ctx.map(substitute(ctx.scalars(), body, from, to), kept);
}

}  // namespace gradc::tensor
