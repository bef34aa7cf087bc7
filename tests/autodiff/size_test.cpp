// The cheap-gradient principle, checked on node counts: value + gradient stays
// within 5x the forward DAG on the standard large cases, and each op adds a
// bounded number of nodes.
#include <catch2/catch.hpp>
#include <map>
#include <random>

#include "gradc/autodiff.hpp"
#include "support/random_expr.hpp"

using namespace gradc;

namespace {

double growth(ExprContext& ctx, Expr f, std::span<const Expr> vars) {
    const std::size_t forward = topological_order(f).size();
    std::vector<Expr> all = gradient(ctx, f, vars);
    all.push_back(f);
    return static_cast<double>(topological_order(all).size()) / static_cast<double>(forward);
}

}  // namespace

TEST_CASE("extended Rosenbrock, n = 10^4", "[autodiff][size]") {
    ExprContext ctx;
    std::vector<Expr> x;
    for (int i = 0; i < 10'000; ++i) x.push_back(ctx.variable("x" + std::to_string(i)));
    Expr f = ctx.constant(0);
    for (int i = 0; i + 1 < 10'000; ++i) {
        Expr a = ctx.sub(x[i + 1], ctx.pow(x[i], ctx.constant(2)));
        Expr b = ctx.sub(ctx.constant(1), x[i]);
        f = ctx.add(f, ctx.add(ctx.mul(ctx.constant(100), ctx.pow(a, ctx.constant(2))), ctx.pow(b, ctx.constant(2))));
    }
    const double ratio = growth(ctx, f, x);
    WARN("Rosenbrock value+gradient / forward nodes: " << ratio);
    CHECK(ratio <= 5.0);
}

TEST_CASE("a product of 10^4 variables", "[autodiff][size]") {
    ExprContext ctx;
    std::vector<Expr> x;
    Expr f = ctx.constant(1);
    for (int i = 0; i < 10'000; ++i) {
        x.push_back(ctx.variable("x" + std::to_string(i)));
        f = ctx.mul(f, x.back());
    }
    const double ratio = growth(ctx, f, x);
    WARN("product value+gradient / forward nodes: " << ratio);
    CHECK(ratio <= 5.0);
}

TEST_CASE("a 10^6-deep chain", "[autodiff][size]") {
    ExprContext ctx;
    Expr x = ctx.variable("x");
    Expr f = x;
    for (int i = 0; i < 1'000'000; ++i) f = ctx.make(i % 2 ? Op::Sin : Op::Tanh, f);
    const double ratio = growth(ctx, f, std::span<const Expr>(&x, 1));
    WARN("chain value+gradient / forward nodes: " << ratio);
    CHECK(ratio <= 5.0);
}

TEST_CASE("a deep chain of branches stays linear", "[autodiff][size]") {
    // a_k = relu(w*a_(k-1) + 1) and where(a > 0, sin(a), 0) chains: every level puts its
    // adjoint behind one more branch; guards merge, so each level adds O(1) nodes.
    for (bool use_relu : {true, false}) {
        ExprContext ctx;
        Expr x = ctx.variable("x"), w = ctx.variable("w");
        Expr a = x;
        for (int k = 0; k < 20'000; ++k) {
            Expr pre = ctx.add(ctx.mul(w, a), ctx.constant(1));
            a = use_relu ? ctx.make(Op::Relu, pre)
                         : ctx.make(Op::Where, ctx.make(Op::Gt, pre, ctx.constant(0)), ctx.make(Op::Sin, pre),
                                    ctx.constant(0));
        }
        const Expr vars[] = {x, w};
        const double ratio = growth(ctx, a, vars);
        WARN((use_relu ? "relu" : "where") << " chain value+gradient / forward nodes: " << ratio);
        CHECK(ratio <= 5.0);
    }
}

TEST_CASE("nodes added per op stay bounded on random DAGs", "[autodiff][size]") {
    // For f = op(x, y, z) on fresh variables, the gradient adds at most a handful of
    // nodes; the worst per op is reported so a rule that bloats shows up here.
    std::map<std::string, std::size_t> worst;
    for (Op op : testing::interior_ops()) {
        ExprContext ctx;
        const Expr vars[] = {ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
        std::vector<Expr> args(vars, vars + op_info(op).arity);
        Expr f = ctx.make(op, args);
        const std::size_t before = topological_order(f).size();
        std::vector<Expr> all = gradient(ctx, f, vars);
        all.push_back(f);
        const std::size_t added = topological_order(all).size() - before;
        worst[std::string(op_info(op).spelling)] = added;
        INFO(op_info(op).spelling);
        CHECK(added <= 12);
    }
    std::string report;
    for (auto& [name, added] : worst) report += name + ":" + std::to_string(added) + " ";
    WARN("nodes added per op: " << report);
}
