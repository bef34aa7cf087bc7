// Forward mode and Hessians on tensors: the logistic loss's Hessian against
// X' diag(s(1 - s)) X, built without any n²-sized intermediate; and random programs'
// Hessians and directional derivatives against the scalar expansion's.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/eval.hpp"
#include "gradc/tensor.hpp"
#include "tensor/random_reals.hpp"

using namespace gradc;
using gradc::testing::random_reals;

TEST_CASE("the logistic loss's Hessian is X' diag(s(1 - s)) X, with no delta left", "[tensor][hessian]") {
    std::mt19937_64 random(11);
    const std::size_t n = 6, d = 3;
    TensorContext ctx;
    const Tensor X = ctx.data("X", Shape{{kRows, 3}}), y = ctx.data("y", Shape{{kRows}});
    const Tensor w = ctx.param("w", Shape{{3}});
    const Tensor z = ctx.matmul(X, w);
    const Tensor f = ctx.sum(ctx.sub(ctx.map(Op::Softplus, z), ctx.mul(y, z)));
    const std::size_t before = ctx.node_count();
    const Tensor H = tensor_hessian(ctx, f, w);
    CHECK(H->shape() == Shape{{3, 3}});
    // The delta seeds the sweep, and every contraction with it became a renaming.
    for (const Tensor t : tensor_order(std::span<const Tensor>(&H, 1))) {
        CHECK(t->kind() != TensorKind::Delta);
        CHECK(t->shape().elements(n) <= n * d);  // nothing n × n or larger
    }
    CHECK(ctx.node_count() - before <= 30);  // the stated bound on what the Hessian adds
    const std::vector<double> xs = random_reals(n * d, random), ws = random_reals(d, random);
    std::vector<double> ys(n);
    for (double& v : ys) v = static_cast<double>(random() % 2);
    TensorBindings b;
    b.rows = n;
    b.inputs = {{"X", {{n, d}, xs, {}}}, {"y", {{n}, ys, {}}}, {"w", {{d}, ws, {}}}};
    std::vector<double> want(d * d, 0.0);
    for (std::size_t r = 0; r < n; ++r) {
        double zr = 0;
        for (std::size_t j = 0; j < d; ++j) zr += xs[r * d + j] * ws[j];
        const double s = 1 / (1 + std::exp(-zr));
        for (std::size_t i = 0; i < d; ++i)
            for (std::size_t j = 0; j < d; ++j) want[i * d + j] += xs[r * d + i] * s * (1 - s) * xs[r * d + j];
    }
    const std::vector<double> got = evaluate(std::span<const Tensor>(&H, 1), b)[0].reals;
    for (std::size_t k = 0; k < want.size(); ++k) CHECK(got[k] == Approx(want[k]).epsilon(1e-12).margin(1e-14));
}

TEST_CASE("tensor Hessians and directional derivatives agree with the scalar expansion", "[tensor][hessian]") {
    // f(W, v) = Σ logsumexp(tanh(X W) * v, axis 1) + max(W) · sum(v^2): contraction,
    // broadcasting maps, logsumexp (max, exp, sum, log), a max over every element.
    std::mt19937_64 random(12);
    const std::size_t n = 3;
    for (int trial = 0; trial < 20; ++trial) {
        TensorContext ctx;
        const Tensor X = ctx.data("X", Shape{{kRows, 2}});
        const Tensor W = ctx.param("W", Shape{{2, 3}}), v = ctx.param("v", Shape{{3}});
        const std::size_t last[] = {1}, both[] = {0, 1};
        const Tensor hidden = ctx.mul(ctx.map(Op::Tanh, ctx.matmul(X, W)), v);
        const Tensor f =
            ctx.add(ctx.sum(ctx.logsumexp(hidden, last)), ctx.mul(ctx.max(W, both), ctx.sum(ctx.mul(v, v))));
        const Tensor Hv = tensor_hessian(ctx, f, v);
        const Tensor HW = tensor_hessian(ctx, f, W);
        // One direction for both: the directional derivative of f.
        const Tensor dW = ctx.param("dW", Shape{{2, 3}}), dv = ctx.param("dv", Shape{{3}});
        const Tensor wrt[] = {W, v}, directions[] = {dW, dv};
        const Tensor jvp = tensor_jvp(ctx, std::span<const Tensor>(&f, 1), wrt, directions)[0];

        TensorBindings b;
        b.rows = n;
        b.inputs = {{"X", {{n, 2}, random_reals(n * 2, random), {}}},
                    {"W", {{2, 3}, random_reals(6, random), {}}},
                    {"v", {{3}, random_reals(3, random), {}}},
                    {"dW", {{2, 3}, random_reals(6, random), {}}},
                    {"dv", {{3}, random_reals(3, random), {}}}};
        const Tensor outputs[] = {Hv, HW, jvp};
        const std::vector<TensorValue> got = evaluate(outputs, b);

        ExprContext scalars;
        const Expr fs = scalarize(scalars, std::span<const Tensor>(&f, 1), b)[0][0];
        std::vector<Expr> vv, wv, all;
        std::vector<double> point;
        for (std::size_t i = 0; i < 2; ++i)
            for (std::size_t j = 0; j < 3; ++j)
                wv.push_back(scalars.variable("W[" + std::to_string(i) + "," + std::to_string(j) + "]"));
        for (std::size_t j = 0; j < 3; ++j) vv.push_back(scalars.variable("v[" + std::to_string(j) + "]"));
        all = wv;
        all.insert(all.end(), vv.begin(), vv.end());
        for (const char* name : {"X", "W", "v"}) {
            const std::vector<double>& r = b.find(name)->reals;
            if (std::string(name) == "X")
                for (std::size_t i = 0; i < n; ++i)
                    for (std::size_t j = 0; j < 2; ++j)
                        all.push_back(scalars.variable("X[" + std::to_string(i) + "," + std::to_string(j) + "]"));
            point.insert(point.end(), r.begin(), r.end());
        }
        // `all` holds W, v, then X; the point holds X, W, v: put X first.
        std::vector<Expr> inputs(all.end() - static_cast<std::ptrdiff_t>(n * 2), all.end());
        inputs.insert(inputs.end(), all.begin(), all.end() - static_cast<std::ptrdiff_t>(n * 2));
        const auto check_hessian = [&](const std::vector<Expr>& by, const std::vector<double>& tensor) {
            const std::vector<std::vector<Expr>> h = hessian(scalars, fs, by);
            std::size_t k = 0;
            for (const auto& row : h)
                for (const Expr e : row) {
                    const double want = evaluate(e, inputs, point);
                    CHECK(std::fabs(tensor[k++] - want) <= 1e-12 * std::max(1.0, std::fabs(want)));
                }
        };
        check_hessian(vv, got[0].reals);
        check_hessian(wv, got[1].reals);
        // The directional derivative: Σ ∂f/∂W dW + ∂f/∂v dv.
        const std::vector<Expr> g = gradient(scalars, fs, all);
        double want = 0;
        const std::vector<double>& dWs = b.find("dW")->reals;
        const std::vector<double>& dvs = b.find("dv")->reals;
        for (std::size_t k = 0; k < 6; ++k) want += evaluate(g[k], inputs, point) * dWs[k];
        for (std::size_t k = 0; k < 3; ++k) want += evaluate(g[6 + k], inputs, point) * dvs[k];
        CHECK(std::fabs(got[2].reals[0] - want) <= 1e-12 * std::max(1.0, std::fabs(want)));
    }
}

TEST_CASE("the Hessian of tr(W'AW), where both factors vary, is (A + A') times the identity", "[tensor][hessian]") {
    std::mt19937_64 random(13);
    TensorContext ctx;
    const Tensor A = ctx.data("A", Shape{{3, 3}}), W = ctx.param("W", Shape{{3, 2}});
    const Tensor f = ctx.sum(ctx.contract("ik,ik->k", W, ctx.matmul(A, W)));
    const Tensor H = tensor_hessian(ctx, f, W);
    REQUIRE(H->shape() == Shape{{3, 2, 3, 2}});
    const std::vector<double> a = random_reals(9, random), w = random_reals(6, random);
    TensorBindings b;
    b.inputs = {{"A", {{3, 3}, a, {}}}, {"W", {{3, 2}, w, {}}}};
    const std::vector<double> got = evaluate(std::span<const Tensor>(&H, 1), b)[0].reals;
    std::size_t at = 0;
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t k = 0; k < 2; ++k)
            for (std::size_t j = 0; j < 3; ++j)
                for (std::size_t l = 0; l < 2; ++l) {
                    const double want = k == l ? a[i * 3 + j] + a[j * 3 + i] : 0.0;
                    INFO("H[" << i << "," << k << "," << j << "," << l << "]");
                    CHECK(got[at++] == Approx(want).epsilon(1e-14).margin(1e-15));
                }
}

TEST_CASE("forward mode through a product of two varying factors has both terms", "[tensor][jvp]") {
    // d(W W') along D is D W' + W D'.
    std::mt19937_64 random(14);
    TensorContext ctx;
    const Tensor W = ctx.param("W", Shape{{3, 2}}), D = ctx.param("D", Shape{{3, 2}});
    const Tensor P = ctx.contract("ij,kj->ik", W, W);
    const Tensor d = tensor_jvp(ctx, std::span<const Tensor>(&P, 1), std::span<const Tensor>(&W, 1),
                                std::span<const Tensor>(&D, 1))[0];
    const std::vector<double> w = random_reals(6, random), dd = random_reals(6, random);
    TensorBindings b;
    b.inputs = {{"W", {{3, 2}, w, {}}}, {"D", {{3, 2}, dd, {}}}};
    const std::vector<double> got = evaluate(std::span<const Tensor>(&d, 1), b)[0].reals;
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t k = 0; k < 3; ++k) {
            double want = 0;
            for (std::size_t j = 0; j < 2; ++j) want += dd[i * 2 + j] * w[k * 2 + j] + w[i * 2 + j] * dd[k * 2 + j];
            CHECK(got[i * 3 + k] == Approx(want).epsilon(1e-14).margin(1e-15));
        }
}
