// The per-row losses of networks: a stable softmax cross-entropy for classifiers and
// the squared error for regression (nn.hpp).
#include "gradc/error.hpp"
#include "gradc/nn.hpp"

namespace gradc::nn {
namespace {

Expr max_of(ExprContext& ctx, std::span<const Expr> z) {
    Expr m = z[0];
    for (std::size_t j = 1; j < z.size(); ++j) m = ctx.make(Op::Max, m, z[j]);
    return m;
}

}  // namespace

Expr logsumexp(ExprContext& ctx, std::span<const Expr> z) {
    if (z.empty()) throw Error("logsumexp needs at least one value");
    // Shifting by the largest z keeps every exp in (0, 1] and the sum in [1, k]:
    // finite for logits of any size.
    const Expr m = max_of(ctx, z);
    Expr sum = nullptr;
    for (const Expr zj : z) {
        const Expr e = ctx.make(Op::Exp, ctx.sub(zj, m));
        sum = sum ? ctx.add(sum, e) : e;
    }
    return ctx.add(m, ctx.make(Op::Log, sum));
}

std::vector<Expr> softmax(ExprContext& ctx, std::span<const Expr> z) {
    const Expr lse = logsumexp(ctx, z);
    std::vector<Expr> p;
    for (const Expr zj : z) p.push_back(ctx.make(Op::Exp, ctx.sub(zj, lse)));
    return p;
}

Expr softmax_cross_entropy(ExprContext& ctx, std::span<const Expr> z, Expr y, std::span<const double> classes) {
    if (z.size() != classes.size())
        throw Error("softmax cross-entropy needs one logit per class: " + std::to_string(z.size()) + " logits for " +
                    std::to_string(classes.size()) + " classes");
    // The target's logit, selected by comparisons so that one formula serves every row.
    const Expr zero = ctx.constant(0.0);
    Expr picked = nullptr;
    for (std::size_t j = 0; j < z.size(); ++j) {
        const Expr term = ctx.make(Op::Where, ctx.make(Op::Eq, y, ctx.constant(classes[j])), z[j], zero);
        picked = picked ? ctx.add(picked, term) : term;
    }
    return ctx.sub(logsumexp(ctx, z), picked);
}

Expr squared_error(ExprContext& ctx, std::span<const Expr> p, std::span<const Expr> y) {
    if (p.size() != y.size() || p.empty())
        throw Error("the squared error needs as many targets as outputs, and at least one");
    Expr sum = nullptr;
    for (std::size_t j = 0; j < p.size(); ++j) {
        const Expr d = ctx.sub(p[j], y[j]);
        const Expr sq = ctx.mul(d, d);
        sum = sum ? ctx.add(sum, sq) : sq;
    }
    return sum;
}

}  // namespace gradc::nn
