#include <catch2/catch.hpp>
#include <cmath>

#include "gradc/error.hpp"
#include "gradc/expr.hpp"

using namespace gradc;

TEST_CASE("equal expressions are the same node", "[ir]") {
    ExprContext ctx;
    Expr x = ctx.variable("x"), y = ctx.variable("y");
    CHECK(ctx.variable("x") == x);
    CHECK(ctx.mul(x, y) == ctx.mul(y, x));
    CHECK(ctx.add(ctx.make(Op::Sin, x), y) == ctx.add(y, ctx.make(Op::Sin, x)));
    CHECK(ctx.sub(x, y) != ctx.sub(y, x));
    CHECK(ctx.constant(2.5) == ctx.constant(2.5));
    CHECK(ctx.constant(0.0) != ctx.constant(-0.0));
    CHECK(ctx.constant(std::nan("1")) == ctx.constant(-std::nan("2")));
}

TEST_CASE("canonical order is structural, not creation order", "[ir]") {
    ExprContext a, b;
    // Build the same operands in opposite orders in two contexts.
    Expr ax = a.variable("x"), ay = a.variable("y");
    Expr by = b.variable("y"), bx = b.variable("x");
    Expr pa = a.mul(ay, ax), pb = b.mul(bx, by);
    CHECK(pa->arg(0)->name() == "x");
    CHECK(pb->arg(0)->name() == "x");
    // Constants sort before variables, variables before compound nodes.
    Expr s = a.add(a.make(Op::Sin, ax), a.constant(3));
    CHECK(s->arg(0)->is_const(3));
    Expr t = a.mul(a.make(Op::Cos, ay), ax);
    CHECK(t->arg(0) == ax);
}

TEST_CASE("constants fold exactly as evaluated", "[ir]") {
    ExprContext ctx;
    CHECK(ctx.add(ctx.constant(0.1), ctx.constant(0.2))->value() == 0.1 + 0.2);
    CHECK(ctx.make(Op::Sin, ctx.constant(1.0))->value() == std::sin(1.0));
    CHECK(std::isinf(ctx.div(ctx.constant(1), ctx.constant(0))->value()));
    Expr x = ctx.variable("x"), y = ctx.variable("y");
    CHECK(ctx.make(Op::Where, ctx.constant(1), x, y) == x);
    CHECK(ctx.make(Op::Where, ctx.constant(0), x, y) == y);
    // No identities in the factory: x*0 is not 0 when x is inf.
    CHECK(ctx.mul(x, ctx.constant(0))->op() == Op::Mul);
}

TEST_CASE("the factory rejects malformed nodes", "[ir]") {
    ExprContext ctx;
    Expr x = ctx.variable("x");
    CHECK_THROWS_AS(ctx.make(Op::Add, x), InternalError);
    CHECK_THROWS_AS(ctx.make(Op::Const, x), InternalError);
}

TEST_CASE("a million-deep chain builds and traverses without recursion", "[ir]") {
    ExprContext ctx;
    Expr e = ctx.variable("x");
    for (int i = 0; i < 1'000'000; ++i) e = ctx.make(Op::Sin, e);
    CHECK(e->height() == 1'000'000);
    CHECK(topological_order(e).size() == 1'000'001);
    CHECK(free_variables(std::span<const Expr>(&e, 1)).size() == 1);
}
