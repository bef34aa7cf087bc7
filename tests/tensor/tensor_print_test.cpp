// Printing tensor programs: closed forms as matrix calculus writes them (exact text),
// and on random programs an index form that names every node once with exactly its
// operands, read back from the text, and printing that depends only on the program.
#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gradc/tensor.hpp"
#include "gradc/tensor_parse.hpp"
#include "gradc/tensor_print.hpp"
#include "tensor/random_program.hpp"
#include "tensor/two_layer_net.hpp"

using namespace gradc;

namespace {

std::string matrix(std::span<const Tensor> outputs, const TensorPrintOptions& options = {}) {
    return tensor_text(outputs, TensorForm::Matrix, options);
}

struct Logistic {
    TensorContext ctx;
    Tensor X = ctx.data("X", Shape{{kRows, 3}}), y = ctx.data("y", Shape{{kRows}});
    Tensor w = ctx.param("w", Shape{{3}});
    Tensor z = ctx.matmul(X, w);
    Tensor f = ctx.sum(ctx.sub(ctx.map(Op::Softplus, z), ctx.mul(y, z)));
};

}  // namespace

TEST_CASE("the canonical logistic Hessian prints as X' diag(s(1 - s)) X", "[tensor][print]") {
    Logistic l;
    const Tensor H = tensor_hessian(l.ctx, l.f, l.w);
    const Tensor C = canonicalize(l.ctx, std::span<const Tensor>(&H, 1))[0];
    // sigmoid(z) occurs twice in the map's body and is bound once.
    CHECK(tensor_text(C) == "t1 = sigmoid(X @ w);\nX' @ diag(t1 * (1 - t1)) @ X");
    CHECK(tensor_latex(C) ==
          "t_{1} = \\sigma\\left(X w\\right);\\quad X^\\top \\operatorname{diag}\\left(t_{1} \\odot \\left(1 - "
          "t_{1}\\right)\\right) X");
    CHECK(tensor_text(C, TensorForm::Index) ==
          "t1[n:N] = 1;\n"
          "t2[n] = sum(i, X[n,i] * w[i]);\n"
          "t3[n] = sigmoid(t2[n]);\n"
          "t4[n] = t3[n] * (1 - t3[n]) * t1[n];\n"
          "t5[n,i] = X[n,i] * t4[n];\n"
          "t6[i,j] = sum(n, X[n,j] * t5[n,i]);\n"
          "t6");
    CHECK(tensor_latex(C, TensorForm::Index) ==
          "{t_{1}}_{n} = 1;\\quad {t_{2}}_{n} = \\sum_{i} X_{n,i} w_{i};\\quad {t_{3}}_{n} = "
          "\\sigma\\left({t_{2}}_{n}\\right);\\quad {t_{4}}_{n} = {t_{3}}_{n} \\cdot \\left(1 - "
          "{t_{3}}_{n}\\right) {t_{1}}_{n};\\quad {t_{5}}_{n,i} = X_{n,i} {t_{4}}_{n};\\quad {t_{6}}_{i,j} = "
          "\\sum_{n} X_{n,j} {t_{5}}_{n,i};\\quad t_{6}");
    // Before canonicalize: the curvature scales the columns of X', which NumPy broadcasts.
    CHECK(tensor_text(H) == "t1 = sigmoid(X @ w);\n(t1 * (1 - t1) * X') @ X");
}

TEST_CASE("the gradient of ||Xw - y||^2 prints as 2 X'(Xw - y)", "[tensor][print]") {
    TensorContext ctx;
    const Tensor X = ctx.data("X", Shape{{kRows, 3}}), y = ctx.data("y", Shape{{kRows}});
    const Tensor w = ctx.param("w", Shape{{3}});
    const Tensor r = ctx.sub(ctx.matmul(X, w), y);
    const Tensor f = ctx.sum(ctx.mul(r, r));
    const Tensor g = tensor_gradient(ctx, f, std::span<const Tensor>(&w, 1))[0];
    // The residual's two equal contributions to its adjoint are 2 * t1.
    CHECK(tensor_text(g) == "t1 = X @ w - y;\nX' @ (2 * t1)");
    CHECK(tensor_text(canonicalize(ctx, std::span<const Tensor>(&g, 1))[0]) == "t1 = X @ w - y;\nX' @ (2 * t1)");
    CHECK(tensor_text(g, TensorForm::Index) ==
          "t1[n:N] = 1;\n"
          "t2[n] = sum(i, X[n,i] * w[i]);\n"
          "t3[n] = t2[n] - y[n];\n"
          "t4[n] = t1[n] * t3[n];\n"
          "t5[n] = 2 * t4[n];\n"
          "t6[i] = sum(n, X[n,i] * t5[n]);\n"
          "t6");
    CHECK(tensor_latex(g) == "t_{1} = X w - y;\\quad X^\\top \\left(2 t_{1}\\right)");
}

TEST_CASE("a two-layer tanh network's gradient prints as backpropagation", "[tensor][print]") {
    const testing::TwoLayerNet net;
    const std::vector<Tensor>& g = net.g;
    CHECK(matrix(g) ==
          "t1 = X @ W1 + b1;\n"
          "t2 = tanh(t1);\n"
          "t3 = t2 @ w2 - t;\n"
          "t4 = 2 * t3;\n"
          "t5 = outer(t4, w2) * (1 - tanh(t1)^2);\n"
          "X' @ t5, sum(t5, axis=0), t2' @ t4");
    CHECK(tensor_latex(g) ==
          "t_{1} = X W_{1} + b_{1};\\quad t_{2} = \\tanh\\left(t_{1}\\right);\\quad t_{3} = t_{2} w_{2} - "
          "t;\\quad t_{4} = 2 t_{3};\\quad t_{5} = \\left(t_{4} w_{2}^\\top\\right) \\odot \\left(1 - "
          "\\tanh\\left(t_{1}\\right)^{2}\\right);\\quad X^\\top t_{5},\\quad "
          "\\operatorname{sum}_{0}\\left(t_{5}\\right),\\quad t_{2}^\\top t_{4}");
    CHECK(tensor_text(g, TensorForm::Index) ==
          "t1[n:N] = 1;\n"
          "t2[n,i] = sum(j, X[n,j] * W1[j,i]);\n"
          "t3[n,i] = t2[n,i] + b1[i];\n"
          "t4[n,i] = tanh(t3[n,i]);\n"
          "t5[n] = sum(i, w2[i] * t4[n,i]);\n"
          "t6[n] = t5[n] - t[n];\n"
          "t7[n] = t1[n] * t6[n];\n"
          "t8[n] = 2 * t7[n];\n"
          "t9[n,i] = w2[i] * t8[n];\n"
          "t10[n,i] = t9[n,i] * (1 - tanh(t3[n,i])^2);\n"
          "t11[i,j] = sum(n, X[n,i] * t10[n,j]);\n"
          "t12[i] = sum(n, t10[n,i]);\n"
          "t13[i] = sum(n, t4[n,i] * t8[n]);\n"
          "t11, t12, t13");
}

TEST_CASE("slices, padding, diagonals and transposes print as NumPy writes them", "[tensor][print]") {
    TensorContext ctx;
    const Tensor x = ctx.param("x", Shape{{7}}), M = ctx.param("M", Shape{{3, 4}}), A = ctx.param("A", Shape{{3, 3}});
    const Tensor T = ctx.param("T", Shape{{2, 3, 4}});
    const std::size_t perm[] = {2, 0, 1};
    const Tensor views[] = {ctx.slice(x, 0, 1, 7),    ctx.slice(x, 0, 0, 6), ctx.slice(x, 0, 0, 7, 2),
                            ctx.slice(x, 0, 1, 5, 2), ctx.slice(x, 0, 0, 2), ctx.slice(M, 1, 1, 4),
                            ctx.pad(x, 0, 2, 1),      ctx.diagonal(A, 0, 1), ctx.transpose(M),
                            ctx.permute(T, perm),     ctx.windows(x, 0, 3),  ctx.matmul(ctx.transpose(M), A)};
    // Windows have no NumPy spelling without a loop: index form.
    CHECK(matrix(views) ==
          "t1[i:5,j:3] = x[i+j];\n"
          "x[1:], x[:-1], x[::2], x[1:-3:2], x[:2], M[:,1:], pad(x, (2, 1), axis=0), diag(A), M', "
          "transpose(T, (2, 0, 1)), t1, M' @ A");
    CHECK(tensor_text(views, TensorForm::Index) ==
          "t1[i] = x[i+1];\n"
          "t2[i:6] = x[i];\n"
          "t3[i] = x[2*i];\n"
          "t4[i:2] = x[2*i+1];\n"
          "t5[i:2] = x[i];\n"
          "t6[i,j] = M[i,j+1];\n"
          "t7[i:10] = x[i-2];\n"
          "t8[i] = A[i,i];\n"
          "t9[i,j] = M[j,i];\n"
          "t10[i,j,k] = T[j,k,i];\n"
          "t11[i:5,j:3] = x[i+j];\n"
          "t12[i,j] = sum(k, A[k,j] * t9[i,k]);\n"
          "t1, t2, t3, t4, t5, t6, t7, t8, t9, t10, t11, t12");
    CHECK(tensor_latex(views) ==
          "{t_{1}}_{i,j} = x_{i+j};\\quad x_{1:},\\quad x_{:-1},\\quad x_{::2},\\quad x_{1:-3:2},\\quad "
          "x_{:2},\\quad M_{:,1:},\\quad \\operatorname{pad}_{0}\\left(x, (2, 1)\\right),\\quad "
          "\\operatorname{diag}\\left(A\\right),\\quad M^\\top,\\quad \\operatorname{transpose}_{(2, 0, "
          "1)}\\left(T\\right),\\quad t_{1},\\quad M^\\top A");
    // Chained Rosenbrock: the gradient pads back what the slices read.
    const Tensor head = ctx.slice(x, 0, 0, 6), tail = ctx.slice(x, 0, 1, 7);
    const Tensor a = ctx.sub(tail, ctx.mul(head, head));
    const Tensor one_minus = ctx.sub(ctx.scalar(1.0), head);
    const Tensor f = ctx.sum(ctx.add(ctx.mul(ctx.scalar(100.0), ctx.mul(a, a)), ctx.mul(one_minus, one_minus)));
    const Tensor g = tensor_gradient(ctx, f, std::span<const Tensor>(&x, 1))[0];
    CHECK(tensor_text(g) ==
          "t1 = x[:-1];\n"
          "t2 = 1 - t1;\n"
          "t3 = 100 * (x[1:] - t1 * t1);\n"
          "t4 = 2 * t3;\n"
          "t5 = -t4 * t1;\n"
          "pad(-(2 * t2) + t5 + t5, (0, 1), axis=0) + pad(t4, (1, 0), axis=0)");
}

TEST_CASE("softmax cross-entropy and its gradient print with take_along_axis", "[tensor][print]") {
    TensorContext ctx;
    const Tensor Z = ctx.param("Z", Shape{{kRows, 3}});
    const Tensor y = ctx.data("y", Shape{{kRows, 1}}, ElementType::Index);
    const std::size_t classes[] = {1};
    const Tensor f = ctx.sub(ctx.sum(ctx.logsumexp(Z, classes)), ctx.sum(ctx.gather(Z, 1, y)));
    const Tensor g = tensor_gradient(ctx, f, std::span<const Tensor>(&Z, 1))[0];
    const Tensor both[] = {f, g};
    // Softmax is (1 / t3)[:,None] * exp(t2); the picked labels' adjoint is a scatter_add,
    // which NumPy has no expression for: index form.
    CHECK(matrix(both) ==
          "t1 = amax(Z, axis=1);\n"
          "t2 = Z - t1[:,None];\n"
          "t3 = sum(exp(t2), axis=1);\n"
          "t4[n:N,i:3] = sum(j, broadcast_to(-1, (N, 1))[n,j] * (y[n,j] == i));\n"
          "t5 = (1 / t3)[:,None] * exp(t2);\n"
          "t6 = Z == t1[:,None];\n"
          "sum(t1 + log(t3)) - sum(take_along_axis(Z, y, axis=1)), "
          "t4 + t5 + (1 + sum(-t5, axis=1))[:,None] * t6 / sum(t6, axis=1)[:,None]");
    CHECK(tensor_text(both, TensorForm::Index) ==
          "t1[n] = amax(i, Z[n,i]);\n"
          "t2[n,i:3] = t1[n];\n"
          "t3[n,i] = Z[n,i] - t2[n,i];\n"
          "t4[n,i] = exp(t3[n,i]);\n"
          "t5[n] = sum(i, t4[n,i]);\n"
          "t6[n] = log(t5[n]);\n"
          "t7[n] = t1[n] + t6[n];\n"
          "t8 = sum(n, t7[n]);\n"
          "t9[n,i] = Z[n,y[n,i]];\n"
          "t10 = sum(n, i, t9[n,i]);\n"
          "t11 = t8 - t10;\n"
          "t12 = -1;\n"
          "t13[n:N,i:1] = t12;\n"
          "t14[n:N,i:3] = sum(j, t13[n,j] * (y[n,j] == i));\n"
          "t15[n:N] = 1;\n"
          "t16[n] = t15[n] * (1 / t5[n]);\n"
          "t17[n,i:3] = t16[n];\n"
          "t18[n,i] = t17[n,i] * exp(t3[n,i]);\n"
          "t19[n,i] = t14[n,i] + t18[n,i];\n"
          "t20[n,i] = -t18[n,i];\n"
          "t21[n] = sum(i, t20[n,i]);\n"
          "t22[n] = t15[n] + t21[n];\n"
          "t23[n,i:3] = t22[n];\n"
          "t24[n,i] = Z[n,i] == t2[n,i];\n"
          "t25[n] = sum(i, t24[n,i]);\n"
          "t26[n,i:3] = t25[n];\n"
          "t27[n,i] = t23[n,i] * t24[n,i] / t26[n,i];\n"
          "t28[n,i] = t19[n,i] + t27[n,i];\n"
          "t11, t28");
}

TEST_CASE("names given for nodes are used, and clashing names are refused", "[tensor][print]") {
    // X' diag(s(1 - s)) X written by hand, s a node of its own.
    Logistic l;
    const Tensor s = l.ctx.map(Op::Sigmoid, l.z);
    const Tensor curvature = l.ctx.mul(s, l.ctx.sub(l.ctx.scalar(1.0), s));
    const Tensor scaled = l.ctx.contract("n,nj->nj", curvature, l.X);
    const Tensor H = l.ctx.matmul(l.ctx.transpose(l.X), scaled);
    CHECK(tensor_text(H) == "t1 = sigmoid(X @ w);\nX' @ diag(t1 * (1 - t1)) @ X");
    TensorPrintOptions options;
    options.names = {{s, "s"}};
    CHECK(tensor_text(H, TensorForm::Matrix, options) == "s = sigmoid(X @ w);\nX' @ diag(s * (1 - s)) @ X");
    CHECK(tensor_text(H, TensorForm::Index, options)
              .starts_with("t1[n] = sum(i, X[n,i] * w[i]);\ns[n] = sigmoid(t1[n]);"));
    options.names = {{s, "X"}};
    CHECK_THROWS_AS(tensor_text(H, TensorForm::Matrix, options), SemanticError);
}

TEST_CASE("an empty constant prints with its shape and reads back as the same node", "[tensor][print]") {
    TensorContext ctx;
    const Tensor A = ctx.param("A", Shape{{2, 2}});
    const Tensor empty[] = {ctx.constant({}, Shape{{0}}), ctx.constant({}, Shape{{0, 2}}),
                            ctx.constant({}, Shape{{2, 0}})};
    CHECK(tensor_text(empty) == "full((0,), 0), full((0, 2), 0), full((2, 0), 0)");
    for (const Tensor e : empty) {
        const TensorProgram back = parse_tensor_program(ctx, "A: param[2,2]; " + tensor_text(e));
        REQUIRE(back.outputs.size() == 1);
        CHECK(back.outputs[0] == e);
    }
    // A product with an empty factor folds to an empty constant of the product's shape.
    const Tensor product = ctx.sum(ctx.matmul(empty[1], A));
    const TensorProgram back = parse_tensor_program(ctx, "A: param[2,2]; " + tensor_text(product));
    CHECK(back.outputs[0] == product);
}
