// stable_forms(): each rewrite lands on the stable op in every operand order the
// factory produces, leaves everything else alone, gives the closed-form answer where
// the written form overflows or cancels, and agrees with it where it does not.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gradc/eval.hpp"
#include "gradc/parse.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"
#include "support/random_corpus.hpp"

using namespace gradc;

namespace {

struct Exprs {
    ExprContext ctx;
    Expr x = ctx.variable("x"), y = ctx.variable("y");
    Expr c(double v) { return ctx.constant(v); }
    Expr f(Op op, Expr a) { return ctx.make(op, a); }
    Expr parsed(const std::string& text) { return parse_expr(ctx, text); }
    Expr stable(const std::string& text) { return stable_forms(ctx, parsed(text)); }
    // The value of `text` at x (and y), as written or in its stable form.
    double value(const std::string& text, double xv, double yv = 0.0, bool rewrite = true) {
        const Expr e = rewrite ? stable(text) : parsed(text);
        const Expr inputs[] = {x, y};
        const double point[] = {xv, yv};
        return evaluate(e, inputs, point);
    }
};

}  // namespace

TEST_CASE("each written form becomes its stable op in every operand order", "[passes][stable]") {
    Exprs e;
    const Expr x = e.x, y = e.y;
    const Expr sum = e.ctx.add(x, y);
    // log(1 + u): the constant first, last (after a sum, which the factory keeps left), and 1 - u.
    CHECK(e.stable("log(1 + x)") == e.f(Op::Log1p, x));
    CHECK(e.stable("log(x + 1)") == e.f(Op::Log1p, x));
    CHECK(e.parsed("log(x + y + 1)")->arg(0)->arg(1)->is_const(1.0));  // the order this case is about
    CHECK(e.stable("log(x + y + 1)") == e.f(Op::Log1p, sum));
    CHECK(e.stable("log(1 - x)") == e.f(Op::Log1p, e.ctx.neg(x)));
    CHECK(e.stable("log(1 - -x)") == e.f(Op::Log1p, x));  // no double negation
    // exp(u) - 1 and its sum forms.
    CHECK(e.stable("exp(x) - 1") == e.f(Op::Expm1, x));
    CHECK(e.stable("-1 + exp(x)") == e.f(Op::Expm1, x));
    CHECK(e.stable("exp(x) + -1") == e.f(Op::Expm1, x));
    CHECK(e.stable("1 - exp(x)") == e.ctx.neg(e.f(Op::Expm1, x)));
    // softplus and the logs of sigmoids.
    CHECK(e.stable("log(1 + exp(x))") == e.f(Op::Softplus, x));
    CHECK(e.stable("log(exp(x) + 1)") == e.f(Op::Softplus, x));
    CHECK(e.stable("log1p(exp(x))") == e.f(Op::Softplus, x));
    CHECK(e.stable("log(sigmoid(x))") == e.ctx.neg(e.f(Op::Softplus, e.ctx.neg(x))));
    CHECK(e.stable("log(sigmoid(-x))") == e.ctx.neg(e.f(Op::Softplus, x)));
    CHECK(e.stable("log(1 - sigmoid(x))") == e.ctx.neg(e.f(Op::Softplus, x)));
    // sigmoid written out.
    CHECK(e.stable("exp(x)/(1 + exp(x))") == e.f(Op::Sigmoid, x));
    CHECK(e.stable("1/(1 + exp(-x))") == e.f(Op::Sigmoid, x));
    CHECK(e.stable("1/(1 + exp(x))") == e.f(Op::Sigmoid, e.ctx.neg(x)));
    // Squares under a square root, as powers and as products.
    CHECK(e.stable("sqrt(x^2 + y^2)") == e.ctx.make(Op::Hypot, x, y));
    CHECK(e.stable("sqrt(x*x + y*y)") == e.ctx.make(Op::Hypot, x, y));
    CHECK(e.stable("sqrt(x^2 + (x + y)^2)") == e.ctx.make(Op::Hypot, x, sum));
    CHECK(e.stable("sqrt(x^2)") == e.f(Op::Abs, x));
    CHECK(e.stable("sqrt(x*x)") == e.f(Op::Abs, x));
    // Inverses that hold on the whole domain.
    CHECK(e.stable("log(exp(x + y))") == sum);
    CHECK(e.stable("log1p(expm1(x))") == x);
}

TEST_CASE("rewrites compose bottom-up", "[passes][stable]") {
    Exprs e;
    // exp(x) - 1 becomes expm1(x), then log(1 + expm1(x)) becomes log1p(expm1(x)), then x.
    CHECK(e.stable("log(1 + (exp(x) - 1))") == e.x);
    // The quotient becomes a sigmoid, and its log a softplus.
    CHECK(e.stable("log(exp(x)/(1 + exp(x)))") == e.ctx.neg(e.f(Op::Softplus, e.ctx.neg(e.x))));
    // Rewritten inside a larger formula, once per shared node.
    const Expr inner = e.f(Op::Log1p, e.x);
    CHECK(e.stable("sin(log(1 + x)) * log(1 + x) + y") == e.ctx.add(e.ctx.mul(e.f(Op::Sin, inner), inner), e.y));
}

TEST_CASE("forms that are not exactly these pairs are left alone", "[passes][stable]") {
    Exprs e;
    for (const char* text :
         {"log(2 + x)", "log(x)", "exp(x) - 2", "2 - exp(x)", "exp(x) + 1", "exp(log(x))", "expm1(log1p(x))",
          "1 - sigmoid(x)", "sqrt(x^2 + y^3)", "sqrt(x^2 + y^2 + 1)", "sqrt(1 + x^2)", "sqrt(x*y)",
          "exp(x)/(1 + exp(y))", "2/(1 + exp(x))", "x + 1", "x^2 + y^2"}) {
        INFO(text);
        const Expr written = e.parsed(text);
        CHECK(stable_forms(e.ctx, written) == written);
        CHECK_FALSE(has_unstable_forms(std::span<const Expr>(&written, 1)));
    }
    // Only the inner 1 - exp(x) changes, to -expm1(x); the log of it stays.
    CHECK(e.stable("log(1 - exp(x)) + 3") == e.ctx.add(e.f(Op::Log, e.ctx.neg(e.f(Op::Expm1, e.x))), e.c(3.0)));
}

TEST_CASE("where the written form overflows or cancels, the stable one gives the closed form", "[passes][stable]") {
    Exprs e;
    constexpr double inf = std::numeric_limits<double>::infinity();
    // log(1 + x) = x - x^2/2 + ...: x itself below 1e-16.
    CHECK(e.value("log(1 + x)", 1e-17, 0, false) == 0.0);
    CHECK(e.value("log(1 + x)", 1e-17) == 1e-17);
    CHECK(e.value("log(1 - x)", 1e-17) == -1e-17);
    // exp(x) - 1 = x + x^2/2 + ...
    CHECK(e.value("exp(x) - 1", 1e-17, 0, false) == 0.0);
    CHECK(e.value("exp(x) - 1", 1e-17) == 1e-17);
    CHECK(e.value("-1 + exp(x)", -1e-20) == -1e-20);
    CHECK(e.value("1 - exp(x)", 1e-17) == -1e-17);
    // log(1 + exp(x)) = x + log1p(exp(-x)), and exp(-800) is below the smallest double.
    CHECK(e.value("log(1 + exp(x))", 800, 0, false) == inf);
    CHECK(e.value("log(1 + exp(x))", 800) == 800.0);
    CHECK(e.value("log(1 + exp(x))", -800) == 0.0);
    CHECK(e.value("log(sigmoid(x))", -800, 0, false) == -inf);
    CHECK(e.value("log(sigmoid(x))", -800) == -800.0);
    // 1 - sigmoid(40) rounds to 0; log(1 - sigmoid(40)) = -40 - log1p(exp(-40)) = -40 in doubles.
    CHECK(e.value("log(1 - sigmoid(x))", 40, 0, false) == -inf);
    CHECK(e.value("log(1 - sigmoid(x))", 40) == -40.0);
    // inf/inf past 709, where the sigmoid is 1.
    CHECK(std::isnan(e.value("exp(x)/(1 + exp(x))", 800, 0, false)));
    CHECK(e.value("exp(x)/(1 + exp(x))", 800) == 1.0);
    CHECK(e.value("1/(1 + exp(x))", -800) == 1.0);
    // Squares past 1e154 overflow and below 1e-162 underflow.
    CHECK(e.value("sqrt(x^2 + y^2)", 3e200, 4e200, false) == inf);
    CHECK(e.value("sqrt(x^2 + y^2)", 3e200, 4e200) == std::hypot(3e200, 4e200));
    CHECK(e.value("sqrt(x^2 + y^2)", 3e-200, 4e-200, false) == 0.0);
    CHECK(e.value("sqrt(x^2 + y^2)", 3e-200, 4e-200) == std::hypot(3e-200, 4e-200));
    CHECK(e.value("sqrt(x^2)", -1e-200, 0, false) == 0.0);
    CHECK(e.value("sqrt(x^2)", -1e-200) == 1e-200);
    CHECK(e.value("log(exp(x))", 1000, 0, false) == inf);
    CHECK(e.value("log(exp(x))", 1000) == 1000.0);
    CHECK(e.value("log1p(expm1(x))", -1000) == -1000.0);
}

TEST_CASE("away from overflow and cancellation the two forms agree to rounding", "[passes][stable]") {
    Exprs e;
    std::mt19937_64 rng(5);
    std::uniform_real_distribution<double> moderate(0.2, 3.0), sign(-1.0, 1.0);
    for (const char* text : {"log(1 + x)", "log(x + y + 1)", "log(1 - x/4)", "exp(x) - 1", "-1 + exp(x)", "1 - exp(x)",
                             "log(1 + exp(x))", "log(sigmoid(x))", "log(1 - sigmoid(x))", "exp(x)/(1 + exp(x))",
                             "1/(1 + exp(x))", "sqrt(x^2 + y^2)", "sqrt(x^2)", "log(exp(x))", "log1p(expm1(x))"}) {
        for (int i = 0; i < 200; ++i) {
            // Magnitudes where 1 + x and exp(x) - 1 lose at most a few bits.
            const double xv = moderate(rng) * (sign(rng) < 0 ? -0.3 : 1.0), yv = moderate(rng);
            const double written = e.value(text, xv, yv, false), stable = e.value(text, xv, yv);
            INFO(text << " at x = " << xv << ", y = " << yv << ": " << written << " and " << stable);
            CHECK(std::fabs(written - stable) <= 1e-14 * std::max(1.0, std::fabs(stable)));
        }
    }
}

TEST_CASE("has_unstable_forms says exactly whether the pass changes something", "[passes][stable]") {
    ExprContext ctx;
    const std::vector<Expr> vars = {ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
    // Random formulas over every op, with constants such as 1 and -1 drawn often; every
    // other one also inside a form the pass rewrites, or one that merely looks like it.
    const std::vector<double> exponents = {2.0};
    std::vector<Expr> corpus = testing::random_corpus(ctx, vars, 3000, 77, exponents);
    const Expr one = ctx.constant(1.0), two = ctx.constant(2.0);
    for (std::size_t i = 0; i < corpus.size(); i += 2) {
        const Expr u = corpus[i], v = corpus[(i + 7) % corpus.size()];
        const Expr square = ctx.pow(u, two), exp_u = ctx.make(Op::Exp, u);
        const Expr wrapped[] = {ctx.make(Op::Log, ctx.add(one, u)),
                                ctx.sub(exp_u, one),
                                ctx.make(Op::Log, ctx.add(one, exp_u)),
                                ctx.div(exp_u, ctx.add(one, exp_u)),
                                ctx.make(Op::Sqrt, ctx.add(square, ctx.mul(v, v))),
                                ctx.make(Op::Log, ctx.add(two, u)),
                                ctx.div(exp_u, ctx.add(two, exp_u)),
                                ctx.make(Op::Sqrt, ctx.add(square, v))};
        corpus[i] = ctx.mul(v, wrapped[i / 2 % std::size(wrapped)]);
    }
    std::size_t changed = 0;
    for (Expr e : corpus) {
        const bool changes = stable_forms(ctx, e) != e;
        INFO(to_infix(e));
        CHECK(has_unstable_forms(std::span<const Expr>(&e, 1)) == changes);
        changed += changes ? 1 : 0;
    }
    // Both answers occur often, so the check above compares something.
    CHECK(changed > 500);
    CHECK(changed < corpus.size() - 500);
}

TEST_CASE("a pass over another context's nodes copies them into its own", "[passes][stable]") {
    ExprContext source, target;
    const Expr written = parse_expr(source, "log(1 + exp(x))*y + sin(x)");
    const Expr copied = stable_forms(target, written);
    CHECK(target.owns(copied));
    CHECK_FALSE(source.owns(copied));
    const Expr x = target.variable("x"), y = target.variable("y");
    CHECK(copied == target.add(target.mul(target.make(Op::Softplus, x), y), target.make(Op::Sin, x)));
    // Nothing to rewrite: still a copy.
    const Expr plain = parse_expr(source, "x*y");
    CHECK(stable_forms(target, plain) == target.mul(x, y));
}

TEST_CASE("a million-deep chain is rewritten without recursion and stays shared", "[passes][stable]") {
    ExprContext ctx;
    const Expr x = ctx.variable("x");
    constexpr int kDepth = 1'000'000;
    // t = log(1 + t) * t: each level uses the one below twice, so a tree walk would be 2^depth.
    Expr t = x;
    for (int i = 0; i < kDepth; ++i) t = ctx.mul(ctx.make(Op::Log, ctx.add(ctx.constant(1.0), t)), t);
    const std::size_t before = ctx.node_count();
    const Expr stable = stable_forms(ctx, t);
    CHECK(stable->height() == 2 * kDepth);
    // A few new nodes per level (log1p, the product, 1 + t for the new t), never a tree.
    CHECK(ctx.node_count() - before <= 3 * static_cast<std::size_t>(kDepth));
    Expr expected = x;
    for (int i = 0; i < kDepth; ++i) expected = ctx.mul(ctx.make(Op::Log1p, expected), expected);
    CHECK(stable == expected);
}
