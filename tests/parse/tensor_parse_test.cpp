// Reading tensor programs: every spelling of the matrix and index forms builds the
// nodes the C++ API builds for it (pointer equality: the IR is hash-consed), shape
// errors are ParseErrors at the operator, and programs without declarations keep their
// scalar meaning.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/parse.hpp"
#include "gradc/tensor.hpp"
#include "gradc/tensor_parse.hpp"
#include "gradc/tensor_print.hpp"

using namespace gradc;

namespace {

Tensor parse_one(TensorContext& ctx, const std::string& source) {
    const TensorProgram p = parse_tensor_program(ctx, source);
    REQUIRE(p.outputs.size() == 1);
    return p.outputs[0];
}

// The ParseError `source` raises: its message, with the column it points at.
std::string error_of(const std::string& source, std::size_t* column = nullptr) {
    TensorContext ctx;
    try {
        parse_tensor_program(ctx, source);
    } catch (const ParseError& e) {
        if (column != nullptr) *column = e.diagnostic().column;
        return e.diagnostic().message;
    }
    return "(no error)";
}

const char* const kNet = "W1: param[4,3]; b1: param[3]; x: data[N,4];\n";

}  // namespace

TEST_CASE("declarations make inputs of the declared shapes, in order", "[parse][tensor]") {
    TensorContext ctx;
    const TensorProgram p =
        parse_tensor_program(ctx, "W: param[784,128]; x: data[N,784]; y: data[N] int; c: param; sum(x @ W) + c");
    REQUIRE(p.inputs.size() == 4);
    CHECK(p.inputs[0] == ctx.param("W", Shape{{784, 128}}));
    CHECK(p.inputs[1] == ctx.data("x", Shape{{kRows, 784}}));
    CHECK(p.inputs[2] == ctx.data("y", Shape{{kRows}}, ElementType::Index));
    CHECK(p.inputs[3] == ctx.param("c", Shape{}));
    CHECK(p.outputs[0] == ctx.add(ctx.sum(ctx.matmul(p.inputs[1], p.inputs[0])), p.inputs[3]));
}

TEST_CASE("declares_tensors tells tensor programs from formulas", "[parse][tensor]") {
    CHECK(declares_tensors("w: param[3]; sum(w)"));
    CHECK(declares_tensors("# a comment; x: no\n a = 1;\n  w :param[3]; sum(w)"));
    CHECK_FALSE(declares_tensors("x^2*sin(y)"));
    CHECK_FALSE(declares_tensors("r = sqrt(x^2 + y^2); r*sin(r)"));
    CHECK_FALSE(declares_tensors("# w: param[3]\nx"));
}

TEST_CASE("the matrix form builds the nodes of the C++ API", "[parse][tensor]") {
    TensorContext ctx;
    const Tensor h = parse_one(ctx, std::string(kNet) + "relu(x @ W1 + b1)");
    const Tensor W1 = ctx.param("W1", Shape{{4, 3}}), b1 = ctx.param("b1", Shape{{3}});
    const Tensor x = ctx.data("x", Shape{{kRows, 4}});
    ExprContext& s = ctx.scalars();
    const Tensor operands[] = {ctx.matmul(x, W1), b1};
    // One map for the whole elementwise expression, not one per operator.
    CHECK(h == ctx.map(s.make(Op::Relu, s.make(Op::Add, ctx.placeholder(0), ctx.placeholder(1))), operands));
    CHECK(parse_one(ctx, std::string(kNet) + "W1'") == ctx.transpose(W1));
    CHECK(parse_one(ctx, std::string(kNet) + "W1.T") == ctx.transpose(W1));
    CHECK(parse_one(ctx, std::string(kNet) + "W1'' ") == W1);
    CHECK(parse_one(ctx, std::string(kNet) + "b1 * b1") ==
          ctx.map(s.make(Op::Mul, ctx.placeholder(0), ctx.placeholder(0)), std::span<const Tensor>(&b1, 1)));
}

TEST_CASE("the index form builds the same nodes as the matrix form", "[parse][tensor]") {
    TensorContext ctx;
    const Tensor matrix = parse_one(ctx, std::string(kNet) + "relu(x @ W1 + b1)");
    const TensorProgram p =
        parse_tensor_program(ctx, std::string(kNet) + "h[n,j] = relu(sum(i, x[n,i]*W1[i,j]) + b1[j]); h");
    CHECK(p.outputs[0] == matrix);
    REQUIRE(p.bindings.size() == 1);
    CHECK(p.bindings[0].first == "h");
    // The transpose by swapped indices, a sum over an axis, the product of two axes.
    const Tensor W1 = ctx.param("W1", Shape{{4, 3}});
    const Tensor x = ctx.data("x", Shape{{kRows, 4}});
    CHECK(parse_one(ctx, std::string(kNet) + "t[j,i] = W1[i,j]; t") == ctx.transpose(W1));
    const std::size_t rows[] = {1};
    CHECK(parse_one(ctx, std::string(kNet) + "s[n] = sum(i, x[n,i]); s") == ctx.sum(x, rows));
    CHECK(parse_one(ctx, std::string(kNet) + "sum(i, b1[i])") == ctx.sum(ctx.param("b1", Shape{{3}})));
    CHECK(parse_one(ctx, std::string(kNet) + "g[i,j] = sum(n, x[n,i] * x[n,j]); g") == ctx.contract("ni,nj->ij", x, x));
    CHECK(parse_one(ctx, "M: param[3,3]; d[i] = M[i,i]; d") == ctx.diagonal(ctx.param("M", Shape{{3, 3}}), 0, 1));
}

TEST_CASE("reductions take an axis keyword, and max(x, 1) keeps its elementwise meaning", "[parse][tensor]") {
    TensorContext ctx;
    const Tensor z = ctx.data("z", Shape{{kRows, 5}});
    const std::size_t one[] = {1}, both[] = {0, 1};
    const std::string decl = "z: data[N,5]; ";
    CHECK(parse_one(ctx, decl + "sum(z, axis=1)") == ctx.sum(z, one));
    CHECK(parse_one(ctx, decl + "sum(z, axis=-1)") == ctx.sum(z, one));
    CHECK(parse_one(ctx, decl + "sum(z, axis=(0, 1))") == ctx.sum(z, both));
    CHECK(parse_one(ctx, decl + "sum(z)") == ctx.sum(z));
    CHECK(parse_one(ctx, decl + "max(z, axis=1)") == ctx.max(z, one));
    CHECK(parse_one(ctx, decl + "amax(z, axis=1)") == ctx.max(z, one));
    CHECK(parse_one(ctx, decl + "logsumexp(z, axis=1)") == ctx.logsumexp(z, one));
    CHECK(parse_one(ctx, decl + "mean(z, axis=1)") == ctx.mean(z, one));
    ExprContext& s = ctx.scalars();
    CHECK(parse_one(ctx, decl + "max(z, 1)") ==
          ctx.map(s.make(Op::Max, ctx.placeholder(0), s.constant(1)), std::span<const Tensor>(&z, 1)));
    // In a formula without declarations, max(x, 1) is what it always was.
    ExprContext scalars;
    const Expr x = scalars.variable("x");
    CHECK(parse_expr(scalars, "max(x, 1)") == scalars.make(Op::Max, x, scalars.constant(1)));
}

TEST_CASE("softmax and log_softmax evaluate as exp(z - logsumexp(z))", "[parse][tensor]") {
    TensorContext ctx;
    const Tensor p = parse_one(ctx, "z: data[N,3]; softmax(z, axis=1)");
    const Tensor l = parse_one(ctx, "z: data[N,3]; log_softmax(z, axis=1)");
    TensorBindings b;
    b.rows = 2;
    b.inputs.push_back({"z", TensorValue{{2, 3}, {1, 2, 3, -1, 0, 4}, {}}});
    const std::vector<TensorValue> v = evaluate(std::vector<Tensor>{p, l}, b);
    for (std::size_t r = 0; r < 2; ++r) {
        double total = 0;
        for (std::size_t c = 0; c < 3; ++c) {
            total += v[0].reals[r * 3 + c];
            CHECK(std::log(v[0].reals[r * 3 + c]) == Approx(v[1].reals[r * 3 + c]).epsilon(1e-14));
        }
        CHECK(total == Approx(1.0).epsilon(1e-15));
    }
}

TEST_CASE("slices follow NumPy", "[parse][tensor]") {
    TensorContext ctx;
    const Tensor x = ctx.param("x", Shape{{6}});
    const std::string decl = "x: param[6]; ";
    CHECK(parse_one(ctx, decl + "x[1:]") == ctx.slice(x, 0, 1, 6));
    CHECK(parse_one(ctx, decl + "x[:-1]") == ctx.slice(x, 0, 0, 5));
    CHECK(parse_one(ctx, decl + "x[::2]") == ctx.slice(x, 0, 0, 6, 2));
    CHECK(parse_one(ctx, decl + "x[1:-1:2]") == ctx.slice(x, 0, 1, 5, 2));
    CHECK(parse_one(ctx, decl + "x[:]") == x);
    CHECK(parse_one(ctx, decl + "x[-8:100]") == x);  // clamped, as NumPy does
    CHECK(parse_one(ctx, decl + "x[:, None]")->shape() == Shape{{6, 1}});
    CHECK(parse_one(ctx, decl + "x[2]")->shape() == Shape{});
    const Tensor M = ctx.param("M", Shape{{3, 4}});
    CHECK(parse_one(ctx, "M: param[3,4]; M[:, 1:]") == ctx.slice(M, 1, 1, 4));
    CHECK(parse_one(ctx, "M: param[3,4]; M[1]")->shape() == Shape{{4}});
}

TEST_CASE("picking one element per row: take_along_axis and z[n, y[n,k]]", "[parse][tensor]") {
    TensorContext ctx;
    const Tensor y = ctx.data("y", Shape{{kRows, 1}}, ElementType::Index);
    const Tensor zd = ctx.data("z2", Shape{{kRows, 3}});
    const Tensor picked = parse_one(ctx, "z2: data[N,3]; y: data[N,1] int; p[n,k] = z2[n, y[n,k]]; p");
    CHECK(picked == ctx.gather(zd, 1, y));
    CHECK(parse_one(ctx, "z2: data[N,3]; y: data[N,1] int; take_along_axis(z2, y, axis=1)") == picked);
}

TEST_CASE("one label per row: y: data[N] int picks z[n, y[n]]", "[parse][tensor]") {
    TensorContext ctx;
    const std::string decl = "X: data[N,3]; y: data[N] int; W: param[3,3]; z = X @ W; ";
    const TensorProgram index_form = parse_tensor_program(ctx, decl + "p[n] = z[n, y[n]]; p");
    const TensorProgram matrix_form = parse_tensor_program(ctx, decl + "take_along_axis(z, y, axis=1)");
    TensorBindings b;
    b.rows = 4;
    b.inputs.push_back({"X", TensorValue{{4, 3}, {1, 2, 3, -1, 0.5, 2, 0.25, -2, 1, 3, 1, -1}, {}}});
    b.inputs.push_back({"y", TensorValue{{4}, {}, {2, 0, 1, 2}}});
    b.inputs.push_back({"W", TensorValue{{3, 3}, {0.1, 0.2, -0.3, 1, -1, 0.5, 0.25, 0, 2}, {}}});
    const std::vector<TensorValue> z = evaluate(parse_tensor_program(ctx, decl + "z").outputs, b);
    const std::vector<TensorValue> picked = evaluate(index_form.outputs, b);
    CHECK(evaluate(matrix_form.outputs, b)[0].reals == picked[0].reals);
    REQUIRE(picked[0].shape == std::vector<std::size_t>{4});
    for (std::size_t n = 0; n < 4; ++n)
        CHECK(picked[0].reals[n] == z[0].reals[n * 3 + static_cast<std::size_t>(b.inputs[1].second.indices[n])]);
    // Softmax cross-entropy by W: its gradient is X' (softmax(z) - onehot(y)), and its
    // printed form reads back to the same values.
    const TensorProgram loss =
        parse_tensor_program(ctx, decl + "sum(logsumexp(z, axis=1)) - sum(take_along_axis(z, y, axis=1))");
    const Tensor W = ctx.param("W", Shape{{3, 3}});
    const Tensor g = tensor_gradient(ctx, loss.outputs[0], std::span<const Tensor>(&W, 1))[0];
    const std::vector<double> got = evaluate(std::span<const Tensor>(&g, 1), b)[0].reals;
    std::vector<double> want(9, 0.0);
    for (std::size_t n = 0; n < 4; ++n) {
        double total = 0;
        for (std::size_t c = 0; c < 3; ++c) total += std::exp(z[0].reals[n * 3 + c]);
        for (std::size_t c = 0; c < 3; ++c) {
            const double d = std::exp(z[0].reals[n * 3 + c]) / total -
                             (static_cast<std::int64_t>(c) == b.inputs[1].second.indices[n] ? 1.0 : 0.0);
            for (std::size_t i = 0; i < 3; ++i) want[i * 3 + c] += b.inputs[0].second.reals[n * 3 + i] * d;
        }
    }
    for (std::size_t k = 0; k < 9; ++k) CHECK(got[k] == Approx(want[k]).epsilon(1e-12).margin(1e-14));
    for (const TensorForm form : {TensorForm::Matrix, TensorForm::Index}) {
        const std::string text = tensor_text(g, form);
        INFO(text);
        const Tensor back = parse_tensor_program(ctx, "X: data[N,3]; y: data[N] int; W: param[3,3];" + text).outputs[0];
        CHECK(evaluate(std::span<const Tensor>(&back, 1), b)[0].reals == got);
    }
}

TEST_CASE("constants: lists, full, eye", "[parse][tensor]") {
    TensorContext ctx;
    CHECK(parse_one(ctx, "w: param[2]; [[1, 2], [3, 4]] @ w") ==
          ctx.matmul(ctx.constant({1, 2, 3, 4}, Shape{{2, 2}}), ctx.param("w", Shape{{2}})));
    CHECK(parse_one(ctx, "w: param[2]; full((2, 3), 0.5)") == ctx.constant(std::vector<double>(6, 0.5), Shape{{2, 3}}));
    CHECK(parse_one(ctx, "w: param[2]; eye(2) @ w") == ctx.matmul(ctx.delta(Shape{{2}}), ctx.param("w", Shape{{2}})));
}

TEST_CASE("shape errors are parse errors at the operator, naming both shapes", "[parse][tensor]") {
    std::size_t column = 0;
    const std::string m = error_of("W: param[128,10]; x: data[N,784]; sum(x @ W)", &column);
    CHECK(m == "[N,784] @ [128,10]: inner dimensions 784 and 128 differ");
    CHECK(column == 41);
    CHECK(error_of("a: param[3]; b: param[4]; sum(a + b)") ==
          "the shapes [3] and [4] do not broadcast: dimensions [3] and [4] differ and neither is 1");
    CHECK(error_of("a: param[3]; sum(a, axis=1)").find("axis 1 is outside the shape [3]") != std::string::npos);
}

TEST_CASE("every tensor is declared and every index bound", "[parse][tensor]") {
    CHECK(error_of("w: param[3]; sum(w * v)").find("'v' is not declared") == 0);
    CHECK(error_of("w: param[3]; h[i] = w[j]; h").find("the index 'j' is free") == 0);
    CHECK(error_of("w: param[3]; h[i] = w[i] * k; h").find("'k' is not declared") == 0);
    CHECK(error_of("w: param[3]; h[i, j] = w[i]; h").find("the index 'j' is read nowhere") == 0);
    CHECK(error_of("w: param[3]; w[i]").find("'i' is not declared") == 0);
    CHECK(error_of("w: parm[3]; w").find("expected 'param'") == 0);
    CHECK(error_of("w: param[N]; w").find("N, the rows of the data") == 0);
    CHECK(error_of("w: param[3] int; w").find("a param is real") == 0);
    CHECK(error_of("w: param[3]; w: param[3]; w").find("'w' is already declared") == 0);
    CHECK(error_of("w: param[3,; w").find("expected a dimension") == 0);
    CHECK(error_of("w: param[3]; h[i] = w; h").find("an index-form definition reads its elements") !=
          std::string::npos);
    CHECK(error_of("w: param[3]; sum(w, w)").find("sum(i, ...) sums over the index i") == 0);
    CHECK(error_of("w: param[3]; h = 2*w;").find("missing result") == 0);
    // Found by fuzz_parse: a constant read by subscripts, a bound far past any axis.
    CHECK(error_of("M: param[3,3]; d[i] = pi[i,i]; d").find("the value has the shape []") == 0);
    CHECK(error_of("x: param[10]; sum(x[:19999999999999999999999999])").find("a slice bound is a whole number") == 0);
}

TEST_CASE("formulas without declarations refuse the tensor syntax and keep their meaning", "[parse][tensor]") {
    ExprContext ctx;
    const auto message = [&](const std::string& source) {
        try {
            parse(ctx, source);
        } catch (const ParseError& e) {
            return e.diagnostic().message;
        }
        return std::string("(no error)");
    };
    CHECK(message("a @ b").find("belongs to tensor programs") != std::string::npos);
    CHECK(message("x[1]").find("belongs to tensor programs") != std::string::npos);
    CHECK(message("x'").find("belongs to tensor programs") != std::string::npos);
    CHECK(message("sum(x, axis=1)").find("belongs to tensor programs") != std::string::npos);
    CHECK(message("w: param[3]; sum(w)").find("parse_tensor_program") != std::string::npos);
    CHECK(message("max(x, 1) + min(x, y)") == "(no error)");
    CHECK(message("sin[x]") == "'sin' is a function: call it with parentheses, as in sin(x)");
}

TEST_CASE("the logistic Hessian of a parsed program prints as X' diag(s(1 - s)) X and reads back", "[parse][tensor]") {
    TensorContext ctx;
    const std::string declarations = "X: data[N,3]; y: data[N]; w: param[3];";
    const TensorProgram p = parse_tensor_program(ctx, declarations + "sum(softplus(X @ w) - y * (X @ w))");
    const Tensor H = tensor_hessian(ctx, p.outputs[0], p.inputs[2]);
    const Tensor C = canonicalize(ctx, std::span<const Tensor>(&H, 1))[0];
    const std::string text = tensor_text(C);
    CHECK(text == "t1 = sigmoid(X @ w);\nX' @ diag(t1 * (1 - t1)) @ X");
    // diag(v) @ X scales the rows of X: a contraction, no N x N matrix. The chain is
    // printed without the association canonicalize() chose, so values agree to rounding.
    const Tensor back = parse_tensor_program(ctx, declarations + text).outputs[0];
    TensorBindings b;
    b.rows = 4;
    b.inputs.push_back({"X", TensorValue{{4, 3}, {1, 2, 3, -1, 0.5, 2, 0.25, -2, 1, 3, 1, -1}, {}}});
    b.inputs.push_back({"y", TensorValue{{4}, {1, 0, 1, 0}, {}}});
    b.inputs.push_back({"w", TensorValue{{3}, {0.1, 0.2, -0.3}, {}}});
    const std::vector<TensorValue> want = evaluate(std::span<const Tensor>(&C, 1), b);
    const std::vector<TensorValue> got = evaluate(std::span<const Tensor>(&back, 1), b);
    REQUIRE(got[0].shape == want[0].shape);
    for (std::size_t k = 0; k < want[0].reals.size(); ++k)
        CHECK(got[0].reals[k] == Approx(want[0].reals[k]).epsilon(1e-14));
    const Tensor X = ctx.data("X", Shape{{kRows, 3}}), w = ctx.param("w", Shape{{3}});
    CHECK(parse_one(ctx, declarations + "diag(w) @ X'") == ctx.contract("i,ij->ij", w, ctx.transpose(X)));
    CHECK(parse_one(ctx, declarations + "X @ diag(w)") == ctx.contract("ij,j->ij", X, w));
    CHECK(parse_one(ctx, declarations + "diag(w)")->shape() == Shape{{3, 3}});
    CHECK(error_of(declarations + "diag(y)").find("a factor of '@' only") != std::string::npos);
}

TEST_CASE("hard cases: empty axes, constants that fold, stale ranges, forms that only look alike", "[parse][tensor]") {
    CHECK(error_of("z: param[3,4]; y: data[3,1] int; sum(take_along_axis(z, y, axis=()))") ==
          "one axis here, as in axis=1");
    CHECK(error_of("x: param[3]; sum(pad(x, (1, 2), axis=(0, 0)))") == "one axis here, as in axis=1");
    CHECK(error_of("x: param[3]; sum(x, ax=1)").find("'sum' takes no keyword 'ax'") == 0);
    CHECK(error_of("N: param[3]; sum(N)").find("'N' is a word of the language") == 0);
    CHECK(error_of("diag: param[3]; sum(diag)").find("'diag' is a function") == 0);
    TensorContext ctx;
    TensorBindings b;
    b.inputs.push_back({"x", TensorValue{{3, 4}, std::vector<double>(12, 1.0), {}}});
    b.inputs.push_back({"w", TensorValue{{4}, {1, 2, 3, 4}, {}}});
    b.inputs.push_back({"v", TensorValue{{3}, {1, 2, 4}, {}}});
    const auto value = [&](const std::string& source) {
        const Tensor t = parse_one(ctx, "x: param[3,4]; w: param[4]; v: param[3]; " + source);
        return evaluate(std::span<const Tensor>(&t, 1), b)[0].reals;
    };
    // where(0, x, w) folds to w, stretched over x's shape as NumPy's where does.
    CHECK(value("sum(where(0, x, w))") == std::vector<double>{30});
    // A sum inside a value read by subscripts knows no range of the left side.
    CHECK(value("h[i:4] = (sum(k, v[k]) * w)[i]; sum(h)") == std::vector<double>{70});
    // Products that are no contraction: an index of the left side read by neither factor,
    // a summed index read by one.
    CHECK(value("h[i, j:2] = v[i] * v[i]; sum(h)") == std::vector<double>{42});
    CHECK(value("h[j] = sum(k, v[k] * w[j]); sum(h)") == std::vector<double>{70});
    // (i == i) is 1; a vector @ a vector is their dot product.
    CHECK(value("h[i] = v[i] * (i == i); sum(h)") == std::vector<double>{7});
    CHECK(value("v @ v") == std::vector<double>{21});
    // A view adjoint's form with a value that reads other indices is a plain sum:
    // t[i,j] = v[i] for both j.
    CHECK(value("t[i:3, j:2] = sum(k, l, v[k] * (k == i) * (l == j)); sum(t)") == std::vector<double>{14});
    // A constant sum over a delta: k ranges as i does.
    CHECK(value("t[i:3] = sum(k, 2 * (k == i)); sum(t)") == std::vector<double>{6});
    // Large fills are stretched numbers, not arrays.
    CHECK(parse_one(ctx, "x: param[3,4]; full((100000, 100000), 1)")->kind() == TensorKind::Broadcast);
}

TEST_CASE("long tensor formulas parse in linear time and within the nesting limit", "[parse][tensor]") {
    std::string sum = "x: param[3]; ";
    for (int k = 0; k < 20000; ++k) sum += (k ? " + x[0]" : "x[0]");
    TensorContext ctx;
    CHECK(parse_one(ctx, sum)->shape() == Shape{});
    std::string nested = "M: param[2,2]; sum(";
    for (int k = 0; k < 80; ++k) nested += "diag(";
    nested += "M";
    for (int k = 0; k < 80; ++k) nested += ")";
    nested += ")";
    CHECK(parse_one(ctx, nested)->shape() == Shape{});
    std::string deep = "M: param[2,2]; sum(((M'''')'')')";
    CHECK(parse_one(ctx, deep)->shape() == Shape{});
}
