// Tensor gradients against matrix calculus written out by hand: least squares, a
// quadratic form's trace, softmax cross-entropy with picked labels, and a two-layer
// network's backpropagation.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "gradc/tensor.hpp"
#include "tensor/random_reals.hpp"
#include "tensor/two_layer_net.hpp"

using namespace gradc;
using gradc::testing::random_reals;

namespace {

void check_close(const std::vector<double>& got, const std::vector<double>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("element " << i);
        CHECK(got[i] == Approx(want[i]).epsilon(1e-12).margin(1e-13));
    }
}

}  // namespace

TEST_CASE("the gradient of ||Xw - y||^2 is 2 X'(Xw - y)", "[tensor][closed-form]") {
    std::mt19937_64 random(1);
    const std::size_t n = 5, d = 3;
    TensorContext ctx;
    const Tensor X = ctx.data("X", Shape{{kRows, 3}}), y = ctx.data("y", Shape{{kRows}});
    const Tensor w = ctx.param("w", Shape{{3}});
    const Tensor r = ctx.sub(ctx.matmul(X, w), y);
    const Tensor f = ctx.sum(ctx.mul(r, r));
    const Tensor g = tensor_gradient(ctx, f, std::span<const Tensor>(&w, 1))[0];
    TensorBindings b;
    b.rows = n;
    const std::vector<double> xs = random_reals(n * d, random), ys = random_reals(n, random),
                              ws = random_reals(d, random);
    b.inputs = {{"X", {{n, d}, xs, {}}}, {"y", {{n}, ys, {}}}, {"w", {{d}, ws, {}}}};
    std::vector<double> want(d, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        double residual = -ys[i];
        for (std::size_t j = 0; j < d; ++j) residual += xs[i * d + j] * ws[j];
        for (std::size_t j = 0; j < d; ++j) want[j] += 2 * xs[i * d + j] * residual;
    }
    check_close(evaluate(std::span<const Tensor>(&g, 1), b)[0].reals, want);
}

TEST_CASE("the gradient of tr(W'AW) is (A + A')W", "[tensor][closed-form]") {
    std::mt19937_64 random(2);
    TensorContext ctx;
    const Tensor A = ctx.data("A", Shape{{4, 4}}), W = ctx.param("W", Shape{{4, 2}});
    // tr(W'AW) = Σ_ijk W_ik A_ij W_jk.
    const Tensor f = ctx.sum(ctx.contract("ik,ik->k", W, ctx.matmul(A, W)));
    const Tensor g = tensor_gradient(ctx, f, std::span<const Tensor>(&W, 1))[0];
    const std::vector<double> a = random_reals(16, random), w = random_reals(8, random);
    TensorBindings b;
    b.inputs = {{"A", {{4, 4}, a, {}}}, {"W", {{4, 2}, w, {}}}};
    std::vector<double> want(8, 0.0);
    for (std::size_t i = 0; i < 4; ++i)
        for (std::size_t k = 0; k < 2; ++k)
            for (std::size_t j = 0; j < 4; ++j) want[i * 2 + k] += (a[i * 4 + j] + a[j * 4 + i]) * w[j * 2 + k];
    check_close(evaluate(std::span<const Tensor>(&g, 1), b)[0].reals, want);
}

TEST_CASE("softmax cross-entropy of picked labels has gradient softmax - onehot", "[tensor][closed-form]") {
    std::mt19937_64 random(3);
    const std::size_t n = 4, c = 3;
    TensorContext ctx;
    const Tensor Z = ctx.param("Z", Shape{{kRows, 3}});
    const Tensor y = ctx.data("y", Shape{{kRows, 1}}, ElementType::Index);
    const std::size_t classes[] = {1};
    // Σ_n logsumexp(z_n) - z_n[y_n]
    const Tensor f = ctx.sub(ctx.sum(ctx.logsumexp(Z, classes)), ctx.sum(ctx.gather(Z, 1, y)));
    const Tensor g = tensor_gradient(ctx, f, std::span<const Tensor>(&Z, 1))[0];
    const std::vector<double> z = random_reals(n * c, random);
    const std::vector<std::int64_t> labels = {2, 0, 1, 2};
    TensorBindings b;
    b.rows = n;
    b.inputs = {{"Z", {{n, c}, z, {}}}, {"y", {{n, 1}, {}, labels}}};
    std::vector<double> want(n * c);
    double loss = 0;
    for (std::size_t i = 0; i < n; ++i) {
        double total = 0;
        for (std::size_t k = 0; k < c; ++k) total += std::exp(z[i * c + k]);
        for (std::size_t k = 0; k < c; ++k)
            want[i * c + k] = std::exp(z[i * c + k]) / total - (static_cast<std::int64_t>(k) == labels[i] ? 1 : 0);
        loss += std::log(total) - z[i * c + static_cast<std::size_t>(labels[i])];
    }
    const Tensor both[] = {f, g};
    const std::vector<TensorValue> out = evaluate(both, b);
    CHECK(out[0].reals[0] == Approx(loss).epsilon(1e-13));
    check_close(out[1].reals, want);
    // A label outside the classes is an error, not a read out of bounds.
    b.inputs[1].second.indices[2] = 3;
    CHECK_THROWS_WITH(evaluate(both, b), Catch::Contains("the index tensor 'y' holds 3, outside 0 ... 3 - 1"));
}

TEST_CASE("a two-layer network's gradient is backpropagation written out", "[tensor][closed-form]") {
    // f = Σ (tanh(X W1 + b1) w2 - t)^2 for X [n,3], W1 [3,4], b1 [4], w2 [4].
    std::mt19937_64 random(4);
    const std::size_t n = 5, d = 3, h = 4;
    const testing::TwoLayerNet net;
    const std::vector<Tensor>& g = net.g;
    const std::vector<double> x = random_reals(n * d, random), ts = random_reals(n, random),
                              w1 = random_reals(d * h, random), bias = random_reals(h, random),
                              v = random_reals(h, random);
    TensorBindings b;
    b.rows = n;
    b.inputs = {{"X", {{n, d}, x, {}}},
                {"t", {{n}, ts, {}}},
                {"W1", {{d, h}, w1, {}}},
                {"b1", {{h}, bias, {}}},
                {"w2", {{h}, v, {}}}};
    std::vector<double> dW1(d * h, 0.0), db1(h, 0.0), dw2(h, 0.0);
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<double> a(h);
        double out = -ts[i];
        for (std::size_t j = 0; j < h; ++j) {
            double z = bias[j];
            for (std::size_t k = 0; k < d; ++k) z += x[i * d + k] * w1[k * h + j];
            a[j] = std::tanh(z);
            out += a[j] * v[j];
        }
        for (std::size_t j = 0; j < h; ++j) {
            dw2[j] += 2 * out * a[j];
            const double dz = 2 * out * v[j] * (1 - a[j] * a[j]);
            db1[j] += dz;
            for (std::size_t k = 0; k < d; ++k) dW1[k * h + j] += dz * x[i * d + k];
        }
    }
    const std::vector<TensorValue> out = evaluate(g, b);
    check_close(out[0].reals, dW1);
    check_close(out[1].reals, db1);
    check_close(out[2].reals, dw2);
}

TEST_CASE("chained Rosenbrock written with slices has its closed-form gradient", "[tensor][closed-form][views]") {
    // f = Σ 100 (x[1:] - x[:-1]^2)^2 + (1 - x[:-1])^2 over x of 7.
    std::mt19937_64 random(5);
    const std::int64_t n = 7;
    TensorContext ctx;
    const Tensor x = ctx.param("x", Shape{{n}});
    const Tensor head = ctx.slice(x, 0, 0, n - 1), tail = ctx.slice(x, 0, 1, n);
    const Tensor a = ctx.sub(tail, ctx.mul(head, head));
    const Tensor one_minus = ctx.sub(ctx.scalar(1.0), head);
    const Tensor f = ctx.sum(ctx.add(ctx.mul(ctx.scalar(100.0), ctx.mul(a, a)), ctx.mul(one_minus, one_minus)));
    const Tensor g = tensor_gradient(ctx, f, std::span<const Tensor>(&x, 1))[0];
    const std::vector<double> xs = random_reals(static_cast<std::size_t>(n), random);
    TensorBindings b;
    b.inputs = {{"x", {{static_cast<std::size_t>(n)}, xs, {}}}};
    std::vector<double> want(static_cast<std::size_t>(n), 0.0);
    double value = 0;
    for (std::size_t i = 0; i + 1 < xs.size(); ++i) {
        const double ai = xs[i + 1] - xs[i] * xs[i], bi = 1 - xs[i];
        value += 100 * ai * ai + bi * bi;
        want[i] += -400 * xs[i] * ai - 2 * bi;
        want[i + 1] += 200 * ai;
    }
    const Tensor both[] = {f, g};
    const std::vector<TensorValue> out = evaluate(both, b);
    CHECK(out[0].reals[0] == Approx(value).epsilon(1e-14));
    check_close(out[1].reals, want);
}

TEST_CASE("windows, strided slices, padding and diagonals read what they say", "[tensor][views]") {
    TensorContext ctx;
    const Tensor x = ctx.param("x", Shape{{5}});
    const Tensor m = ctx.param("m", Shape{{3, 3}});
    const Tensor k = ctx.param("k", Shape{{3}});
    TensorBindings b;
    b.inputs = {{"x", {{5}, {1, 2, 3, 4, 5}, {}}},
                {"m", {{3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9}, {}}},
                {"k", {{3}, {1, 0, -1}, {}}}};
    const Tensor views[] = {ctx.windows(x, 0, 3), ctx.slice(x, 0, 1, 5, 2), ctx.pad(x, 0, 2, 1), ctx.diagonal(m, 0, 1),
                            ctx.matmul(ctx.windows(x, 0, 3), k)};
    const std::vector<TensorValue> out = evaluate(views, b);
    CHECK(out[0].shape == std::vector<std::size_t>{3, 3});
    CHECK(out[0].reals == std::vector<double>{1, 2, 3, 2, 3, 4, 3, 4, 5});
    CHECK(out[1].reals == std::vector<double>{2, 4});
    CHECK(out[2].reals == std::vector<double>{0, 0, 1, 2, 3, 4, 5, 0});
    CHECK(out[3].reals == std::vector<double>{1, 5, 9});
    CHECK(out[4].reals == std::vector<double>{-2, -2, -2});  // a correlation with [1, 0, -1]
    // The windows' adjoint is overlap-add: each x_i counted once per window holding it.
    const Tensor f = ctx.sum(ctx.windows(x, 0, 3));
    const Tensor g = tensor_gradient(ctx, f, std::span<const Tensor>(&x, 1))[0];
    CHECK(evaluate(std::span<const Tensor>(&g, 1), b)[0].reals == std::vector<double>{1, 2, 3, 2, 1});
    CHECK_THROWS_WITH(ctx.slice(x, 0, 2, 9), Catch::Contains("need 0 <= start <= stop <= 5"));
    CHECK_THROWS_WITH(ctx.windows(ctx.data("d", Shape{{kRows}}), 0, 2), Catch::Contains("rows N are not supported"));
}
