// ExprContext::set_max_nodes: a context holds exactly that many nodes, the next new
// one is a LimitError that says how to raise the limit, and the context stays usable.
#include <catch2/catch.hpp>
#include <string>

#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/expr.hpp"
#include "gradc/parse.hpp"

using namespace gradc;

TEST_CASE("a context holds max_nodes nodes and refuses the next new one", "[ir][limits]") {
    ExprContext ctx;
    CHECK(ctx.max_nodes() == ExprContext::kDefaultMaxNodes);
    ctx.set_max_nodes(5);
    const Expr x = ctx.variable("x"), y = ctx.variable("y"), two = ctx.constant(2.0);
    const Expr sum = ctx.add(x, y);
    const Expr product = ctx.mul(two, sum);  // the fifth node: at the limit, not past it
    CHECK(ctx.node_count() == 5);
    try {
        ctx.make(Op::Sin, x);
        FAIL("no error");
    } catch (const LimitError& e) {
        CHECK(std::string(e.what()) ==
              "more than 5 distinct nodes in one expression context, its limit: raise it with "
              "ExprContext::set_max_nodes (gradc --max-nodes), or split the work over several contexts");
    }
    // Every kind of new node is refused; existing ones are still found.
    CHECK_THROWS_AS(ctx.variable("z"), LimitError);
    CHECK_THROWS_AS(ctx.constant(3.0), LimitError);
    CHECK(ctx.node_count() == 5);
    CHECK(ctx.add(y, x) == sum);
    CHECK(ctx.variable("x") == x);
    CHECK(ctx.constant(2.0) == two);
    CHECK(ctx.mul(sum, two) == product);
    // Raised, the same context goes on.
    ctx.set_max_nodes(6);
    CHECK(ctx.make(Op::Sin, x)->arg(0) == x);
    CHECK_THROWS_AS(ctx.make(Op::Cos, x), LimitError);
}

TEST_CASE("the node limit stops a parse and a gradient with a LimitError", "[ir][limits]") {
    // x, y, x*y, sin(x*y): four nodes.
    const std::string formula = "sin(x*y)";
    {
        ExprContext ctx;
        ctx.set_max_nodes(4);
        CHECK(parse_expr(ctx, formula)->op() == Op::Sin);
        // Differentiating needs new nodes (cos(x*y), ...).
        const Expr f = parse_expr(ctx, formula);
        CHECK_THROWS_AS(gradient(ctx, f, std::vector<Expr>{ctx.variable("x")}), LimitError);
    }
    {
        ExprContext ctx;
        ctx.set_max_nodes(3);
        CHECK_THROWS_AS(parse_expr(ctx, formula), LimitError);
    }
}

TEST_CASE("the node limit cannot exceed what 32-bit ids number", "[ir][limits]") {
    ExprContext ctx;
    ctx.set_max_nodes(std::size_t{1} << 40);
    CHECK(ctx.max_nodes() == 0xffffffffu);
}

TEST_CASE("owns tells a context's nodes from another's", "[ir]") {
    ExprContext a, b;
    const Expr x = a.variable("x"), y = b.variable("x");
    CHECK(a.owns(x));
    CHECK_FALSE(a.owns(y));
    CHECK(b.owns(y));
    CHECK_FALSE(b.owns(x));
}
