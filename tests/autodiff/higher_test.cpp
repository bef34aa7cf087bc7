// Forward mode, higher orders, Jacobians, Hessians and sparsity, each against an
// independent oracle: reverse mode, closed forms, or finite differences of gradients.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "gradc/autodiff.hpp"
#include "gradc/eval.hpp"
#include "gradc/gradcheck.hpp"
#include "support/random_expr.hpp"

using namespace gradc;

namespace {

bool close(double a, double b, double tol) { return std::fabs(a - b) <= tol * std::max(1.0, std::fabs(b)); }

bool all_finite(const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

}  // namespace

TEST_CASE("forward mode agrees with reverse mode on random expressions", "[autodiff]") {
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> coord(-2.0, 2.0);
    int compared = 0;
    for (int n = 0; n < 10'000; ++n) {
        ExprContext ctx;
        const Expr vars[] = {ctx.variable("x"), ctx.variable("y")};
        Expr f = testing::random_expr(ctx, rng, vars, {.max_depth = 4});
        const double dir[] = {0.75, -1.25};
        const Expr direction[] = {ctx.constant(dir[0]), ctx.constant(dir[1])};
        Expr forward = jvp(ctx, f, vars, direction);
        const std::vector<Expr> reverse = gradient(ctx, f, vars);
        Interpreter run_forward(std::span<const Expr>(&forward, 1), vars), run_reverse(reverse, vars);
        for (int trial = 0; trial < 3; ++trial) {
            const std::vector<double> x{coord(rng), coord(rng)};
            const double fw = run_forward.run(x)[0];
            const std::vector<double> g = run_reverse.run(x);
            const double rv = g[0] * dir[0] + g[1] * dir[1];
            if (!std::isfinite(fw) || !std::isfinite(rv)) continue;
            INFO("expression " << n << " at (" << x[0] << ", " << x[1] << ")");
            CHECK(close(fw, rv, 1e-9));
            ++compared;
        }
    }
    CHECK(compared > 15'000);
}

TEST_CASE("higher-order derivatives match closed forms", "[autodiff]") {
    ExprContext ctx;
    Expr x = ctx.variable("x");
    const Expr in[] = {x};
    auto at = [&](Expr e, double v) { return evaluate(e, in, std::vector<double>{v}); };
    CHECK(at(diff(ctx, ctx.make(Op::Sin, x), x, 3), 0.7) == Approx(-std::cos(0.7)).epsilon(1e-14));
    Expr e2x = ctx.make(Op::Exp, ctx.mul(ctx.constant(2), x));
    CHECK(at(diff(ctx, e2x, x, 5), 0.3) == Approx(32 * std::exp(0.6)).epsilon(1e-13));
    Expr x5 = ctx.pow(x, ctx.constant(5));
    CHECK(at(diff(ctx, x5, x, 4), 1.5) == Approx(120 * 1.5));
    CHECK(diff(ctx, x5, x, 6)->is_const(0.0));
    CHECK(diff(ctx, x5, x, 0) == x5);
    // d^2/dx^2 of x^x = x^x ((1 + log x)^2 + 1/x)
    Expr xx = ctx.pow(x, x);
    const double v = 1.7;
    CHECK(at(diff(ctx, xx, x, 2), v) ==
          Approx(std::pow(v, v) * ((1 + std::log(v)) * (1 + std::log(v)) + 1 / v)).epsilon(1e-12));
}

TEST_CASE("Jacobian rows are the outputs' gradients", "[autodiff]") {
    ExprContext ctx;
    Expr r = ctx.variable("r"), t = ctx.variable("t");
    // Polar to Cartesian: [r cos t, r sin t]; its Jacobian determinant is r.
    const Expr outputs[] = {ctx.mul(r, ctx.make(Op::Cos, t)), ctx.mul(r, ctx.make(Op::Sin, t))};
    const Expr vars[] = {r, t};
    auto j = jacobian(ctx, outputs, vars);
    const double p[] = {2.5, 0.4};
    auto ev = [&](Expr e) { return evaluate(e, vars, p); };
    CHECK(ev(j[0][0]) * ev(j[1][1]) - ev(j[0][1]) * ev(j[1][0]) == Approx(2.5).epsilon(1e-14));
}

TEST_CASE("Hessians: symmetric by the other order of differentiation, and equal to differences of gradients",
          "[autodiff]") {
    std::mt19937_64 rng(23);
    std::uniform_real_distribution<double> coord(-2.0, 2.0);
    int compared = 0, symmetric = 0;
    for (int n = 0; n < 500; ++n) {
        ExprContext ctx;
        const Expr vars[] = {ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
        Expr f = testing::random_expr(ctx, rng, vars, {.max_depth = 4});
        const auto h = hessian(ctx, f, vars);
        const std::vector<Expr> g = gradient(ctx, f, vars);
        // The other order of differentiation, built apart from hessian() (reverse over
        // reverse, where hessian() runs forward over reverse): mixed[i][j] is
        // d/dx_i (df/dx_j), which must equal h[i][j] = d/dx_j (df/dx_i) (Schwarz).
        std::vector<Expr> flat, mixed;
        for (auto& row : h) flat.insert(flat.end(), row.begin(), row.end());
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = 0; j < 3; ++j) mixed.push_back(gradient(ctx, g[j], vars)[i]);
        Interpreter run_h(flat, vars), run_g(g, vars), run_mixed(mixed, vars);
        // Hessian-vector product along v = (1, 2, 3) without the matrix.
        const Expr v[] = {ctx.constant(1), ctx.constant(2), ctx.constant(3)};
        const std::vector<Expr> hv = hessian_vector_product(ctx, f, vars, v);
        Interpreter run_hv(hv, vars);
        for (int trial = 0; trial < 2; ++trial) {
            std::vector<double> x{coord(rng), coord(rng), coord(rng)};
            const std::vector<double> hx = run_h.run(x);
            if (!all_finite(hx) || !all_finite(run_g.run(x))) continue;
            // gradcheck's finite differences of the gradient at two step sizes; entries
            // where they disagree (kinks, wild oscillation) are no oracle and are skipped.
            const PointFunction gradient_at = [&run_g](std::span<const double> p, std::span<double> out) {
                run_g.run(p, out);
            };
            auto differences = [&](double scale) {
                std::vector<double> fd(9, NAN);
                for (std::size_t j = 0; j < 3; ++j) {
                    const std::vector<double> column = finite_difference(gradient_at, 3, x, j, scale);
                    for (std::size_t i = 0; i < 3; ++i) fd[i * 3 + j] = column[i];
                }
                return fd;
            };
            const std::vector<double> fd1 = differences(1e-5), fd2 = differences(5e-6);
            const std::vector<double> hvx = run_hv.run(x), other = run_mixed.run(x);
            for (std::size_t i = 0; i < 3; ++i) {
                INFO("expression " << n << " row " << i);
                for (std::size_t j = 0; j < 3; ++j)
                    if (std::isfinite(other[i * 3 + j])) {
                        CHECK(close(hx[i * 3 + j], other[i * 3 + j], 1e-9));
                        ++symmetric;
                    }
                const double expect = hx[i * 3] * 1 + hx[i * 3 + 1] * 2 + hx[i * 3 + 2] * 3;
                CHECK(close(hvx[i], expect, 1e-9));
                for (std::size_t j = 0; j < 3; ++j) {
                    const double a = fd1[i * 3 + j], b = fd2[i * 3 + j];
                    if (!std::isfinite(a) || !std::isfinite(b) || !close(a, b, 1e-5)) continue;
                    CHECK(close(hx[i * 3 + j], b, 1e-3));
                    ++compared;
                }
            }
        }
    }
    CHECK(compared > 3000);
    CHECK(symmetric > 4000);
}

TEST_CASE("Hessian sparsity from dependencies", "[autodiff]") {
    ExprContext ctx;
    std::vector<Expr> x;
    for (int i = 0; i < 6; ++i) x.push_back(ctx.variable("x" + std::to_string(i)));
    // Extended Rosenbrock couples neighbours only: a tridiagonal pattern.
    Expr f = ctx.constant(0);
    for (int i = 0; i + 1 < 6; ++i) {
        Expr a = ctx.sub(x[i + 1], ctx.pow(x[i], ctx.constant(2)));
        Expr b = ctx.sub(ctx.constant(1), x[i]);
        f = ctx.add(f, ctx.add(ctx.mul(ctx.constant(100), ctx.pow(a, ctx.constant(2))), ctx.pow(b, ctx.constant(2))));
    }
    auto pattern = hessian_sparsity(f, x);
    std::vector<std::pair<std::size_t, std::size_t>> tridiagonal;
    for (std::size_t i = 0; i < 6; ++i) {
        tridiagonal.emplace_back(i, i);
        if (i + 1 < 6) tridiagonal.emplace_back(i, i + 1);
    }
    CHECK(pattern == tridiagonal);
    // Linear parts and products: x0*x1 + x2 couples only (0, 1).
    CHECK(hessian_sparsity(ctx.add(ctx.mul(x[0], x[1]), x[2]), x) ==
          std::vector<std::pair<std::size_t, std::size_t>>{{0, 1}});

    // On random expressions the pattern covers every entry that is nonzero somewhere.
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> coord(-2.0, 2.0);
    for (int n = 0; n < 300; ++n) {
        ExprContext c2;
        const Expr vars[] = {c2.variable("x"), c2.variable("y"), c2.variable("z")};
        Expr g = testing::random_expr(c2, rng, vars, {.max_depth = 4});
        const auto h = hessian(c2, g, vars);
        const auto p = hessian_sparsity(g, vars);
        for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = i; j < 3; ++j) {
                if (std::find(p.begin(), p.end(), std::make_pair(i, j)) != p.end()) continue;
                for (int trial = 0; trial < 3; ++trial) {
                    const double value =
                        evaluate(h[i][j], vars, std::vector<double>{coord(rng), coord(rng), coord(rng)});
                    INFO("expression " << n << " entry " << i << "," << j);
                    CHECK((value == 0.0 || std::isnan(value)));
                }
            }
    }
}
