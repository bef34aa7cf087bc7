#include <catch2/catch.hpp>
#include <cmath>

#include "gradc/error.hpp"
#include "gradc/eval.hpp"

using namespace gradc;

TEST_CASE("the interpreter follows the op semantics", "[eval]") {
    ExprContext ctx;
    Expr x = ctx.variable("x"), y = ctx.variable("y");
    const Expr in[] = {x, y};
    Expr f = ctx.add(ctx.mul(ctx.pow(x, ctx.constant(2)), ctx.make(Op::Sin, y)), ctx.make(Op::Softplus, x));
    const double vals[] = {1.5, -0.25};
    CHECK(evaluate(f, in, vals) == Approx(2.25 * std::sin(-0.25) + std::log1p(std::exp(1.5))).epsilon(1e-15));
    // The untaken branch of where is not an error, and comparisons are 0/1.
    Expr w = ctx.make(Op::Where, ctx.make(Op::Gt, x, ctx.constant(0)), ctx.make(Op::Sqrt, x), ctx.constant(7));
    const double neg[] = {-4.0, 0.0};
    CHECK(evaluate(w, in, neg) == 7.0);
    CHECK(evaluate(ctx.make(Op::Max, x, y), in, std::vector<double>{NAN, 1.0}) != evaluate(x, in, vals));
    CHECK(std::isnan(evaluate(ctx.make(Op::Max, x, y), in, std::vector<double>{NAN, 1.0})));
}

TEST_CASE("the interpreter names a variable without a value", "[eval]") {
    ExprContext ctx;
    Expr x = ctx.variable("x"), y = ctx.variable("y");
    const Expr in[] = {x};
    CHECK_THROWS_WITH(Interpreter(std::span<const Expr>(&y, 1), in), Catch::Contains("'y'"));
}

TEST_CASE("the interpreter evaluates a million-deep chain", "[eval]") {
    ExprContext ctx;
    Expr x = ctx.variable("x");
    Expr e = x;
    for (int i = 0; i < 1'000'000; ++i) e = ctx.make(Op::Sin, e);
    double expect = 0.5;
    for (int i = 0; i < 1'000'000; ++i) expect = std::sin(expect);
    const double v[] = {0.5};
    CHECK(evaluate(e, std::span<const Expr>(&x, 1), v) == expect);
}
