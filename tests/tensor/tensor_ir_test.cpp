// The tensor factory: shapes derived and checked with messages naming both shapes,
// equal nodes built once, the symbolic row dimension, and limits.
#include <catch2/catch.hpp>

#include "gradc/error.hpp"
#include "gradc/tensor.hpp"

using namespace gradc;

TEST_CASE("shapes: text, the row dimension, element counts and overflow", "[tensor]") {
    CHECK(Shape{{kRows, 784}}.text() == "[N,784]");
    CHECK(Shape{}.text() == "[]");
    CHECK(Shape{{kRows, 3}}.elements(5) == 15);
    CHECK(Shape{{kRows, 3}}.bound(2) == std::vector<std::size_t>{2, 3});
    CHECK_THROWS_AS(Shape({{1ll << 40, 1ll << 40}}).elements(), LimitError);
    TensorContext ctx;
    CHECK_THROWS_WITH(ctx.param("w", Shape{{kRows, kRows}}), Catch::Contains("at most one symbolic row dimension"));
    CHECK_THROWS_WITH(ctx.param("w", Shape{{-3}}), Catch::Contains("0 or more, or N"));
}

TEST_CASE("equal nodes are one node", "[tensor]") {
    TensorContext ctx;
    const Tensor x = ctx.data("x", Shape{{kRows, 3}});
    const Tensor w = ctx.param("w", Shape{{3, 2}});
    CHECK(ctx.param("w", Shape{{3, 2}}) == w);
    const Tensor h = ctx.map(Op::Tanh, ctx.matmul(x, w));
    CHECK(ctx.map(Op::Tanh, ctx.matmul(x, w)) == h);
    CHECK(h->shape() == Shape{{kRows, 2}});
    const std::size_t nodes = ctx.node_count();
    ctx.map(Op::Tanh, ctx.contract("ij,jk->ik", x, w));
    CHECK(ctx.node_count() == nodes);
    // Views that do nothing, and views of views, fold.
    CHECK(ctx.transpose(ctx.transpose(w)) == w);
    const std::size_t same[] = {0, 1};
    CHECK(ctx.permute(w, same) == w);
    CHECK(ctx.reshape(ctx.reshape(w, Shape{{6}}), Shape{{3, 2}}) == w);
    // A map that is one of its operands is that operand.
    const Tensor operands[] = {w};
    CHECK(ctx.map(ctx.placeholder(0), operands) == w);
    CHECK_THROWS_WITH(ctx.param("w", Shape{{2, 3}}), Catch::Contains("'w' is already an input of shape [3,2]"));
}

TEST_CASE("shape errors name both shapes", "[tensor][errors]") {
    TensorContext ctx;
    const Tensor x = ctx.data("x", Shape{{kRows, 784}});
    const Tensor w = ctx.param("w", Shape{{128, 10}});
    CHECK_THROWS_WITH(ctx.matmul(x, w), "[N,784] @ [128,10]: inner dimensions 784 and 128 differ");
    CHECK_THROWS_WITH(ctx.add(x, w), Catch::Contains("the shapes [N,784] and [128,10] do not broadcast"));
    CHECK_THROWS_WITH(ctx.contract("ij,jk->ik", w, w), Catch::Contains("give the label 'j' the sizes [10] and [128]"));
    CHECK_THROWS_WITH(ctx.contract("ij,kl->i", w, w), Catch::Contains("in one term only"));
    CHECK_THROWS_WITH(ctx.contract("ij->j", w, w), Catch::Contains("written \"ij,jk->ik\""));
    CHECK_THROWS_WITH(ctx.contract("ii,ij->j", w, w), Catch::Contains("repeats within one term"));
    const std::size_t bad_axis[] = {2};
    CHECK_THROWS_WITH(ctx.sum(w, bad_axis), Catch::Contains("axis 2 is beyond the shape [128,10]"));
    CHECK_THROWS_WITH(ctx.reshape(x, Shape{{784, kRows}}), Catch::Contains("cannot reshape [N,784] to [784,N]"));
    const Tensor y = ctx.data("y", Shape{{kRows, 1}}, ElementType::Index);
    CHECK_THROWS_WITH(ctx.add(y, y), Catch::Contains("an index tensor enters only gather and scatter_add"));
    CHECK_THROWS_WITH(ctx.gather(w, 1, y), Catch::Contains("differ off that axis"));
    const std::size_t rows_axis[] = {0};
    CHECK_THROWS_WITH(ctx.mean(x, rows_axis), Catch::Contains("mean over the rows N"));
}

TEST_CASE("the node limit throws LimitError and leaves the context usable", "[tensor][limits]") {
    TensorContext ctx;
    const Tensor w = ctx.param("w", Shape{{2}});
    ctx.set_max_nodes(ctx.node_count() + 1);
    const Tensor s = ctx.map(Op::Sin, w);
    CHECK_THROWS_AS(ctx.map(Op::Cos, w), LimitError);
    CHECK(ctx.map(Op::Sin, w) == s);  // finding an existing node is fine
}

TEST_CASE("sums follow the documented order whatever the width", "[tensor][order]") {
    // Ten terms where the association shows: term t goes to partial t mod 8, then
    // ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)).
    const std::vector<double> t = {1e16, 1.0, -1e16, 1.0, 3.0, 1e-3, 2.5, -7.0, 1.0, 1e16};
    const double s0 = t[0] + t[8], s1 = t[1] + t[9];
    const double expected = ((s0 + s1) + (t[2] + t[3])) + ((t[4] + t[5]) + (t[6] + t[7]));
    double left_to_right = 0;
    for (const double x : t) left_to_right += x;
    REQUIRE(expected != left_to_right);  // the order is visible in these terms
    TensorContext ctx;
    const Tensor v = ctx.param("v", Shape{{10}});
    const Tensor ones = ctx.constant(std::vector<double>(10, 1.0), Shape{{10}});
    TensorBindings b;
    b.inputs.emplace_back("v", TensorValue{{10}, t, {}});
    const Tensor sums[] = {ctx.sum(v), ctx.contract("i,i->", v, ones)};
    const std::vector<TensorValue> out = evaluate(sums, b);
    CHECK(out[0].reals[0] == expected);
    CHECK(out[1].reals[0] == expected);
    // An empty sum is +0, a sum of -0 is -0.
    const Tensor empty = ctx.param("e", Shape{{0}});
    b.inputs.emplace_back("e", TensorValue{{0}, {}, {}});
    const Tensor zero_sum[] = {ctx.sum(empty)};
    CHECK(std::signbit(evaluate(zero_sum, b)[0].reals[0]) == false);
}
