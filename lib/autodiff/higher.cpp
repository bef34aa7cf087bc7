// Derivatives built from the two sweeps: higher orders, Jacobians, Hessians.
#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"

namespace gradc {

Expr diff(ExprContext& ctx, Expr f, Expr x, int order) {
    GRADC_ASSERT(order >= 0, "derivative order must be 0 or more");
    for (int k = 0; k < order; ++k) f = gradient(ctx, f, std::span<const Expr>(&x, 1)).front();
    return f;
}

std::vector<std::vector<Expr>> jacobian(ExprContext& ctx, std::span<const Expr> outputs, std::span<const Expr> wrt) {
    std::vector<std::vector<Expr>> rows;
    rows.reserve(outputs.size());
    for (Expr f : outputs) rows.push_back(gradient(ctx, f, wrt));
    return rows;
}

std::vector<std::vector<Expr>> hessian(ExprContext& ctx, Expr f, std::span<const Expr> wrt) {
    const std::vector<Expr> grad = gradient(ctx, f, wrt);
    const std::size_t n = wrt.size();
    std::vector<std::vector<Expr>> h(n, std::vector<Expr>(n, nullptr));
    std::vector<Expr> unit(n, ctx.constant(0.0));
    for (std::size_t j = 0; j < n; ++j) {
        // Column j is the gradient's derivative along e_j: one forward sweep. Only the
        // upper triangle is kept; the lower one mirrors it.
        unit[j] = ctx.constant(1.0);
        const std::vector<Expr> column = jvp(ctx, std::span<const Expr>(grad.data(), j + 1), wrt, unit);
        for (std::size_t i = 0; i <= j; ++i) h[i][j] = h[j][i] = column[i];
        unit[j] = ctx.constant(0.0);
    }
    return h;
}

std::vector<Expr> hessian_vector_product(ExprContext& ctx, Expr f, std::span<const Expr> wrt, std::span<const Expr> v) {
    return jvp(ctx, gradient(ctx, f, wrt), wrt, v);
}

}  // namespace gradc
