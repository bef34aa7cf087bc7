// JitOptions::stable_forms: compiled kernels of every kind compute log(1 + x),
// exp(x) - 1, log(1 + exp(x)) and friends in their stable forms, their derivatives
// too, and with the option off they compute the formula as written.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gradc/emit.hpp"
#include "gradc/jit.hpp"
#include "gradc/parse.hpp"

using namespace gradc;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

JitOptions with_stable_forms(bool on) {
    JitOptions options;
    options.stable_forms = on;
    return options;
}

// The value, then the derivative, of `formula` in x at `x`, by a point kernel.
std::vector<double> point_at(Jit& jit, const std::string& formula, double x) {
    ExprContext ctx;
    const Expr f = parse_expr(ctx, formula);
    const Expr input = ctx.variable("x");
    return compile_point(jit, ctx, f, std::span<const Expr>(&input, 1))(std::vector<double>{x});
}

}  // namespace

TEST_CASE("compiled values are the stable forms' and, with the option off, the written ones", "[jit][stable]") {
    Jit stable(with_stable_forms(true)), written(with_stable_forms(false));
    CHECK(point_at(stable, "log(1 + x)", 1e-17)[0] == 1e-17);
    CHECK(point_at(written, "log(1 + x)", 1e-17)[0] == 0.0);
    CHECK(point_at(stable, "exp(x) - 1", 1e-17)[0] == 1e-17);
    CHECK(point_at(written, "exp(x) - 1", 1e-17)[0] == 0.0);
    CHECK(point_at(stable, "-1 + exp(x)", -3e-18)[0] == -3e-18);
    CHECK(point_at(stable, "log(1 + exp(x))", 800)[0] == 800.0);
    CHECK(point_at(written, "log(1 + exp(x))", 800)[0] == kInf);
    CHECK(point_at(stable, "log(sigmoid(x))", -800)[0] == -800.0);
    CHECK(point_at(written, "log(sigmoid(x))", -800)[0] == -kInf);
    CHECK(point_at(stable, "sqrt(x^2 + (2*x)^2)", 1e200)[0] == std::hypot(1e200, 2e200));
    CHECK(point_at(written, "sqrt(x^2 + (2*x)^2)", 1e200)[0] == kInf);
}

TEST_CASE("derivatives are those of the stable forms", "[jit][stable]") {
    Jit stable(with_stable_forms(true)), written(with_stable_forms(false));
    // d/dx softplus(x) = sigmoid(x); written out, exp(x)/(1 + exp(x)) is inf/inf.
    CHECK(point_at(stable, "log(1 + exp(x))", 800)[1] == 1.0);
    CHECK(std::isnan(point_at(written, "log(1 + exp(x))", 800)[1]));
    // d/dx -softplus(x) = -sigmoid(x); written out, it divides by 1 - sigmoid(40) = 0.
    const std::vector<double> at40 = point_at(stable, "log(1 - sigmoid(x))", 40);
    CHECK(at40[0] == -40.0);
    CHECK(at40[1] == -1.0);
    CHECK(std::isnan(point_at(written, "log(1 - sigmoid(x))", 40)[1]));
    // d/dx log1p(x) = 1/(1 + x), the same either way.
    CHECK(point_at(stable, "log(1 + x)", 0.5)[1] == point_at(written, "log(1 + x)", 0.5)[1]);
}

TEST_CASE("outputs given to Jit::compile directly are rewritten, inputs kept in order", "[jit][stable]") {
    Jit jit;
    ExprContext ctx;
    const Expr x = ctx.variable("x"), y = ctx.variable("y"), unused = ctx.variable("unused");
    const std::vector<Expr> outputs = {parse_expr(ctx, "log(1 + y) + 2*x"), parse_expr(ctx, "exp(x) - 1")};
    // The inputs in an order unlike the context's, with one that no output uses.
    const std::vector<Expr> inputs = {unused, y, x};
    const Kernel kernel = jit.compile(outputs, inputs);
    const std::vector<double> got = kernel(std::vector<double>{123.0, 1e-17, 1e-18});
    CHECK(got[0] == 1e-17 + 2e-18);
    CHECK(got[1] == 1e-18);
    // The caller's context gets no rewritten nodes: the kernel's copy is its own.
    const std::size_t nodes = ctx.node_count();
    jit.compile(outputs, inputs);
    CHECK(ctx.node_count() == nodes);
    // Still refused: a variable missing from the inputs, or listed twice.
    CHECK_THROWS_AS(jit.compile(outputs, std::vector<Expr>{x}), SemanticError);
    CHECK_THROWS_AS(jit.compile(outputs, std::vector<Expr>{x, y, y}), SemanticError);
}

TEST_CASE("batch and map kernels compute a logistic loss stably at large margins", "[jit][stable][batch]") {
    Jit jit;
    ExprContext ctx;
    const Expr w = ctx.variable("w"), x = ctx.variable("x"), y = ctx.variable("y");
    // log(1 + exp(-y*w*x)) with margins y*w*x of -1000 and 1000: the loss is 1000 and 0,
    // its derivative by w is -y*x*sigmoid(-y*w*x): -(1)(1000)(1) and 0.
    const Expr loss = parse_expr(ctx, "log(1 + exp(-y*w*x))");
    const std::vector<double> xs = {-1000.0, 1000.0}, ys = {1.0, 1.0};
    const std::vector<const double*> columns = {xs.data(), ys.data()};
    const std::vector<Expr> column_vars = {x, y};
    const BatchKernel batch = compile_batch(jit, ctx, loss, std::span<const Expr>(&w, 1), column_vars);
    const std::vector<double> sum = batch(std::vector<double>{1.0}, columns, 2);
    CHECK(sum[0] == 1000.0);
    CHECK(sum[1] == 1000.0);  // d/dw at x = -1000: -y*x*sigmoid(1000) = 1000; at x = 1000: 0
    const MapKernel map =
        compile_map(jit, ctx, std::span<const Expr>(&loss, 1), std::vector<Expr>{w, x, y}, Derivatives::None);
    const std::vector<double> ws = {1.0, 1.0};
    std::vector<double> out(2);
    double* out_column = out.data();
    map({}, std::vector<const double*>{ws.data(), xs.data(), ys.data()}, 2, std::span<double* const>(&out_column, 1));
    CHECK(out == std::vector<double>{1000.0, 0.0});
}

TEST_CASE("emitted C computes the stable forms", "[jit][stable][emit]") {
    ExprContext ctx;
    const Program p = parse(ctx, "log(1 + x) + (exp(y) - 1)");
    const AotKernel kernel = aot_point_kernel(ctx, "f", p.outputs, p.variables, Derivatives::None);
    const std::string c = emit_c_source(std::span<const AotKernel>(&kernel, 1));
    // The code, after the comment that quotes the formula as written.
    const std::size_t body = c.rfind("void f(");
    REQUIRE(body != std::string::npos);
    const std::string code = c.substr(body);
    INFO(code);
    CHECK(code.find("log1p(") != std::string::npos);
    CHECK(code.find("expm1(") != std::string::npos);
    CHECK(code.find("log(") == std::string::npos);
    CHECK(code.find("exp(") == std::string::npos);
}
