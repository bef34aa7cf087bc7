// The printer's contract, checked through the parser: parse(to_infix(e)) is the
// identical node, for random expressions over every op, shared DAGs, several
// outputs, and chains far deeper than the parser's nesting limit.
#include <bit>
#include <catch2/catch.hpp>
#include <random>
#include <string>
#include <vector>

#include "gradc/expr.hpp"
#include "gradc/parse.hpp"
#include "gradc/print.hpp"
#include "support/random_expr.hpp"

using namespace gradc;
using gradc::testing::random_expr;
using gradc::testing::RandomExprOptions;

namespace {

// Compared against, so that a failure lists the texts that did not round trip.
const std::vector<std::string> kNone;

std::vector<Expr> variables(ExprContext& ctx, std::initializer_list<const char*> names) {
    std::vector<Expr> vars;
    for (const char* n : names) vars.push_back(ctx.variable(n));
    return vars;
}

// Prints and parses `count` random expressions; returns the texts that did not come
// back as the same node (the first few, to keep a failure readable).
std::vector<std::string> round_trip_failures(std::uint64_t seed, int count, std::span<const Expr> leaves,
                                             ExprContext& ctx, const RandomExprOptions& shape,
                                             const PrintOptions& print = {}) {
    std::mt19937_64 rng(seed);
    std::vector<std::string> failures;
    for (int i = 0; i < count && failures.size() < 5; ++i) {
        Expr e = random_expr(ctx, rng, leaves, shape);
        const std::string text = to_infix(e, print);
        try {
            if (Expr back = parse_expr(ctx, text); back != e)
                failures.push_back(text + "   (parsed to " + to_infix(back) + ")");
        } catch (const std::exception& error) {
            failures.push_back(text + "   (" + error.what() + ")");
        }
    }
    return failures;
}

}  // namespace

TEST_CASE("random expressions print and parse back to the same node", "[print][parse]") {
    ExprContext ctx;
    const std::vector<Expr> vars = variables(ctx, {"x", "y", "t1", "theta_1"});
    RandomExprOptions shape;
    shape.max_depth = 6;
    CHECK(round_trip_failures(1, 3000, vars, ctx, shape) == kNone);

    shape.small_constants = false;  // any finite double, 17 significant digits
    CHECK(round_trip_failures(2, 2000, vars, ctx, shape) == kNone);

    shape.max_depth = 9;
    shape.leaf_chance = 0.15;
    CHECK(round_trip_failures(3, 500, vars, ctx, shape) == kNone);
}

TEST_CASE("shared DAGs print with bindings and parse back", "[print][parse]") {
    ExprContext ctx;
    const std::vector<Expr> vars = variables(ctx, {"x", "y", "t1", "t2"});
    // Leaves drawn from earlier expressions make DAGs with much sharing.
    std::mt19937_64 rng(11);
    std::vector<Expr> pool = vars;
    RandomExprOptions shape;
    shape.max_depth = 4;
    for (int i = 0; i < 60; ++i) pool.push_back(random_expr(ctx, rng, pool, shape));

    for (std::size_t share_above : {std::size_t{0}, std::size_t{1}, std::size_t{8}, std::size_t{1000}}) {
        for (std::size_t max_nesting : {std::size_t{1}, std::size_t{3}, std::size_t{64}}) {
            PrintOptions print;
            print.share_above = share_above;
            print.max_nesting = max_nesting;
            INFO("share_above " << share_above << ", max_nesting " << max_nesting);
            CHECK(round_trip_failures(100 + share_above + max_nesting, 200, pool, ctx, shape, print) == kNone);
        }
    }
}

TEST_CASE("several outputs print and parse back in order", "[print][parse]") {
    ExprContext ctx;
    const std::vector<Expr> vars = variables(ctx, {"x", "y", "t1"});
    std::mt19937_64 rng(21);
    std::vector<Expr> pool = vars;
    for (int i = 0; i < 20; ++i) pool.push_back(random_expr(ctx, rng, pool));
    for (int i = 0; i < 200; ++i) {
        std::vector<Expr> outputs;
        for (int k = 0; k < 1 + i % 4; ++k) outputs.push_back(random_expr(ctx, rng, pool));
        PrintOptions print;
        print.share_above = static_cast<std::size_t>(i % 3) * 4;
        const std::string text = to_infix(outputs, print);
        INFO(text);
        CHECK(parse(ctx, text).outputs == outputs);
    }
}

TEST_CASE("chains deeper than the parser's nesting limit round trip through bindings", "[print][parse]") {
    ExprContext ctx;
    Expr x = ctx.variable("x"), y = ctx.variable("y");
    constexpr int kDepth = 50'000;
    Expr calls = x, powers = x, negations = x, differences = x, products = x;
    for (int i = 0; i < kDepth; ++i) {
        calls = ctx.make(Op::Sin, calls);
        powers = ctx.pow(y, powers);  // y^y^...^x, right-nested without parentheses
        negations = ctx.neg(negations);
        differences = ctx.sub(y, differences);
        products = ctx.mul(ctx.add(products, y), x);
    }
    for (Expr e : {calls, powers, negations, differences, products}) CHECK(parse_expr(ctx, to_infix(e)) == e);
    // Past the parser's limit a flat print is rejected, which is why the printer binds.
    PrintOptions flat;
    flat.max_nesting = 2 * kDepth;
    CHECK_THROWS(parse_expr(ctx, to_infix(calls, flat)));
}

TEST_CASE("numbers print as text the parser reads exactly", "[print][parse]") {
    ExprContext ctx;
    Expr x = ctx.variable("x");
    std::mt19937_64 rng(5);
    std::uniform_int_distribution<std::uint64_t> bits;
    for (int i = 0; i < 3000; ++i) {
        const double v = std::bit_cast<double>(bits(rng));
        Expr e = ctx.add(ctx.constant(v), x);
        const std::string text = to_infix(e);
        INFO(text);
        CHECK(parse_expr(ctx, text) == e);
    }
    for (double v : {0.0, -0.0, 0.1, 1e-300, 5e-324, 1e300, 1.7976931348623157e308, 1e21, 3.141592653589793,
                     2.718281828459045, -3.141592653589793}) {
        Expr e = ctx.mul(ctx.constant(v), x);
        CHECK(parse_expr(ctx, to_infix(e)) == e);
    }
}
