#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/eval.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"
#include "support/random_expr.hpp"

using namespace gradc;

namespace {

// Nodes built directly, so expected forms do not depend on the parser.
struct Exprs {
    ExprContext ctx;
    Expr x = ctx.variable("x"), y = ctx.variable("y"), z = ctx.variable("z");
    Expr c(double v) { return ctx.constant(v); }
    Expr f(Op op, Expr a) { return ctx.make(op, a); }
    Expr add(Expr a, Expr b) { return ctx.add(a, b); }
    Expr sub(Expr a, Expr b) { return ctx.sub(a, b); }
    Expr mul(Expr a, Expr b) { return ctx.mul(a, b); }
    Expr div(Expr a, Expr b) { return ctx.div(a, b); }
    Expr pow(Expr a, double k) { return ctx.pow(a, c(k)); }
    Expr neg(Expr a) { return ctx.neg(a); }
    Expr s(Expr e) { return simplify(ctx, e); }
};

// A prefix rendering for failure messages, independent of the infix printer.
std::string show(Expr root) {
    std::unordered_map<Expr, std::string> text;
    for (Expr e : topological_order(root)) {
        std::string t;
        if (e->is_const()) {
            t = std::to_string(e->value());
        } else if (e->is_var()) {
            t = std::string(e->name());
        } else {
            t = "(" + std::string(op_info(e->op()).spelling);
            for (Expr a : e->args()) t += " " + text.at(a);
            t += ")";
        }
        text.emplace(e, std::move(t));
    }
    return text.at(root);
}

#define CHECK_SAME(got, expected)                                       \
    do {                                                                \
        const Expr got_ = (got), expected_ = (expected);                \
        INFO("got " << show(got_) << ", expected " << show(expected_)); \
        CHECK(got_ == expected_);                                       \
    } while (false)

}  // namespace

TEST_CASE("identities of sums", "[simplify]") {
    Exprs t;
    Expr x = t.x, y = t.y;
    CHECK_SAME(t.s(t.add(x, t.c(0))), x);                        // x + 0
    CHECK_SAME(t.s(t.add(t.c(0), x)), x);                        // 0 + x
    CHECK_SAME(t.s(t.sub(x, t.c(0))), x);                        // x - 0
    CHECK_SAME(t.s(t.sub(t.c(0), x)), t.neg(x));                 // 0 - x
    CHECK_SAME(t.s(t.add(x, t.neg(y))), t.sub(x, y));            // x + -y
    CHECK_SAME(t.s(t.sub(x, t.neg(y))), t.add(x, y));            // x - -y
    CHECK_SAME(t.s(t.sub(x, t.c(-2))), t.add(t.c(2), x));        // x - (-2)
    CHECK_SAME(t.s(t.add(x, t.c(-1))), t.sub(x, t.c(1)));        // x + -1 reads x - 1
    CHECK_SAME(t.s(t.add(x, x)), t.mul(t.c(2), x));              // x + x
    CHECK_SAME(t.s(t.add(t.mul(t.c(2), x), t.mul(t.c(3), x))), t.mul(t.c(5), x));
    CHECK_SAME(t.s(t.sub(t.mul(t.c(3), x), x)), t.mul(t.c(2), x));
    CHECK_SAME(t.s(t.sub(x, x)), t.c(0));                        // x - x
    CHECK_SAME(t.s(t.add(t.add(x, t.c(1)), t.c(2))), t.add(t.c(3), x));
    CHECK_SAME(t.s(t.add(x, t.mul(t.c(-2), y))), t.sub(x, t.mul(t.c(2), y)));  // x - 2*y
    CHECK_SAME(t.s(t.neg(t.sub(x, y))), t.sub(y, x));            // -(x - y)
    CHECK_SAME(t.s(t.sub(t.neg(x), y)), t.sub(t.neg(x), y));     // -x - y stays
    CHECK_SAME(t.s(t.add(t.sub(x, y), y)), x);
}

TEST_CASE("identities of products", "[simplify]") {
    Exprs t;
    Expr x = t.x, y = t.y;
    Expr sy = t.f(Op::Sin, y);
    CHECK_SAME(t.s(t.mul(x, t.c(1))), x);                        // x*1
    CHECK_SAME(t.s(t.mul(x, t.c(0))), t.c(0));                   // x*0
    CHECK_SAME(t.s(t.mul(t.c(-1), x)), t.neg(x));                // -1*x
    CHECK_SAME(t.s(t.neg(t.neg(x))), x);                         // --x
    CHECK_SAME(t.s(t.mul(t.neg(x), y)), t.neg(t.mul(x, y)));     // (-x)*y
    CHECK_SAME(t.s(t.mul(t.neg(x), t.neg(y))), t.mul(x, y));
    CHECK_SAME(t.s(t.mul(x, x)), t.pow(x, 2));                   // x*x
    CHECK_SAME(t.s(t.mul(t.pow(x, 2), t.pow(x, 3))), t.pow(x, 5));  // x^a*x^b
    CHECK_SAME(t.s(t.mul(x, t.pow(x, 2.5))), t.pow(x, 3.5));     // x*x^a
    CHECK_SAME(t.s(t.mul(t.pow(x, 2), t.pow(x, -2))), t.c(1));
    CHECK_SAME(t.s(t.mul(t.c(2), t.mul(t.c(3), x))), t.mul(t.c(6), x));  // c1*(c2*x)
    CHECK_SAME(t.s(t.neg(t.mul(t.c(2), x))), t.mul(t.c(-2), x));
    // The coefficient leads and the factors read in structural order.
    CHECK_SAME(t.s(t.mul(sy, t.mul(t.c(2), t.pow(x, 1)))), t.mul(t.mul(t.c(2), x), sy));
    CHECK_SAME(t.s(t.mul(t.mul(sy, t.c(2)), x)), t.mul(t.mul(t.c(2), x), sy));
    CHECK_SAME(t.s(t.mul(t.c(1), t.mul(t.pow(x, 2), t.f(Op::Cos, y)))), t.mul(t.pow(x, 2), t.f(Op::Cos, y)));
    // Products chain to the left with the coefficient first: 2*x*y.
    CHECK_SAME(t.s(t.mul(t.mul(y, t.c(2)), x)), t.mul(t.mul(t.c(2), x), y));
}

TEST_CASE("identities of powers, quotients and functions", "[simplify]") {
    Exprs t;
    Expr x = t.x, y = t.y;
    CHECK_SAME(t.s(t.pow(x, 1)), x);                             // x^1
    CHECK_SAME(t.s(t.pow(x, 0)), t.c(1));                        // x^0
    CHECK_SAME(t.s(t.ctx.pow(t.c(1), x)), t.c(1));               // 1^x
    CHECK_SAME(t.s(t.div(x, t.c(1))), x);                        // x/1
    CHECK_SAME(t.s(t.div(x, t.c(-1))), t.neg(x));                // x/-1
    CHECK_SAME(t.s(t.div(t.c(0), x)), t.c(0));                   // 0/x
    CHECK_SAME(t.s(t.div(x, x)), t.c(1));                        // x/x
    CHECK_SAME(t.s(t.neg(t.div(x, y))), t.div(t.neg(x), y));     // -(x/y) reads -x/y
    CHECK_SAME(t.s(t.div(t.neg(x), t.neg(y))), t.div(x, y));
    CHECK_SAME(t.s(t.f(Op::Log, t.f(Op::Exp, x))), x);           // log(exp(x))
    Expr cond = t.ctx.make(Op::Gt, x, y);
    CHECK_SAME(t.s(t.ctx.make(Op::Where, cond, t.f(Op::Sin, x), t.f(Op::Sin, x))), t.f(Op::Sin, x));
    // Not rewritten: wrong for x < 0.
    Expr el = t.f(Op::Exp, t.f(Op::Log, x));
    CHECK_SAME(t.s(el), el);
    Expr sq = t.pow(t.f(Op::Sqrt, x), 2);
    CHECK_SAME(t.s(sq), sq);
    // Rules apply inside any op.
    CHECK_SAME(t.s(t.f(Op::Tanh, t.mul(x, t.c(1)))), t.f(Op::Tanh, x));
}

TEST_CASE("quotients gather like products", "[simplify]") {
    Exprs t;
    Expr x = t.x, y = t.y, z = t.z;
    Expr r = t.add(t.c(1), t.pow(y, 2));
    CHECK_SAME(t.s(t.mul(y, t.div(t.c(1), t.mul(x, y)))), t.div(t.c(1), x));  // y*(1/(x*y))
    CHECK_SAME(t.s(t.div(t.mul(x, y), x)), y);                                  // x*y/x
    CHECK_SAME(t.s(t.div(t.div(x, y), z)), t.div(x, t.mul(y, z)));              // x/y/z
    CHECK_SAME(t.s(t.mul(x, t.div(y, z))), t.div(t.mul(x, y), z));              // x*(y/z)
    CHECK_SAME(t.s(t.pow(x, -2)), t.div(t.c(1), t.pow(x, 2)));                  // x^-2
    CHECK_SAME(t.s(t.mul(y, t.pow(x, -1))), t.div(y, x));
    CHECK_SAME(t.s(t.div(t.mul(t.c(2), x), t.mul(t.c(2), y))), t.div(x, y));    // 2*x/(2*y)
    CHECK_SAME(t.s(t.div(t.c(2), t.mul(t.c(4), x))), t.div(t.c(1), t.mul(t.c(2), x)));
    CHECK_SAME(t.s(t.div(t.c(3), t.mul(t.c(2), x))), t.div(t.c(3), t.mul(t.c(2), x)));  // a fraction stays
    CHECK_SAME(t.s(t.div(t.mul(t.c(0.8), x), t.c(2))), t.mul(t.c(0.4), x));
    // The gradient of x/(1 + y^2) in y, as reverse mode builds it.
    Expr raw = t.mul(t.neg(t.mul(t.c(2), y)), t.div(t.div(x, r), r));
    CHECK_SAME(t.s(raw), t.div(t.mul(t.mul(t.c(-2), x), y), t.pow(r, 2)));
    CHECK(to_infix(t.s(raw)) == "-2*x*y/(1 + y^2)^2");
}

TEST_CASE("signs gather in front", "[simplify]") {
    Exprs t;
    Expr x = t.x, y = t.y;
    CHECK_SAME(t.s(t.neg(t.div(t.mul(t.c(2), x), y))), t.div(t.mul(t.c(-2), x), y));  // -(2*x/y)
    CHECK_SAME(t.s(t.div(x, t.c(-2))), t.div(t.neg(x), t.c(2)));                       // x/(-2)
    CHECK_SAME(t.s(t.div(x, t.neg(y))), t.div(t.neg(x), y));                           // x/(-y)
    CHECK_SAME(t.s(t.mul(t.c(2), t.sub(t.neg(x), y))), t.mul(t.c(-2), t.add(x, y)));   // 2*(-x - y)
    CHECK_SAME(t.s(t.mul(t.c(-1), t.sub(t.neg(x), y))), t.add(x, y));                   // -(-x - y)
    CHECK_SAME(t.s(t.add(x, t.div(t.c(-1), y))), t.sub(x, t.div(t.c(1), y)));          // x + -1/y
    CHECK_SAME(t.s(t.div(t.c(1), t.sub(t.neg(x), y))), t.div(t.c(-1), t.add(x, y)));   // 1/(-x - y)
}

TEST_CASE("zeros, NaN and infinity as documented", "[simplify]") {
    Exprs t;
    Expr x = t.x;
    const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
    // x*0 and x - x are 0 even though they are NaN for infinite x.
    CHECK_SAME(t.s(t.mul(x, t.c(0))), t.c(0));
    CHECK_SAME(t.s(t.sub(t.f(Op::Exp, x), t.f(Op::Exp, x))), t.c(0));
    // The zero keeps the sign that is right for positive x.
    CHECK_SAME(t.s(t.mul(x, t.c(-0.0))), t.c(-0.0));
    // NaN stays NaN wherever it is.
    CHECK_SAME(t.s(t.mul(x, t.c(nan))), t.c(nan));
    CHECK_SAME(t.s(t.add(x, t.c(nan))), t.c(nan));
    // Division by a zero constant stays as written.
    CHECK_SAME(t.s(t.div(t.mul(t.c(2), x), t.c(0))), t.div(t.mul(t.c(2), x), t.c(0)));
    // inf*x is not constant (0 at x = 0 is NaN, negative x gives -inf): it stays.
    CHECK_SAME(t.s(t.mul(t.c(inf), t.mul(x, t.c(1)))), t.mul(t.c(inf), x));
}

TEST_CASE("products and sums longer than the gathering bound", "[simplify]") {
    Exprs t;
    std::vector<Expr> vars;
    for (int i = 0; i < 40; ++i) vars.push_back(t.ctx.variable("v" + std::to_string(i)));
    Expr p = t.c(1), plain = nullptr, s = t.c(0);
    for (int i = 0; i < 40; ++i) {
        // Every factor and term carries an identity, and every tenth a sign.
        const Expr v = i % 10 == 0 ? t.neg(vars[i]) : vars[i];
        p = t.mul(p, t.mul(v, t.c(1)));
        plain = plain == nullptr ? vars[i] : t.mul(plain, vars[i]);
        s = t.add(s, t.add(v, t.c(0)));
    }
    const Expr ps = t.s(p), ss = t.s(s);
    CHECK(t.s(ps) == ps);
    CHECK(t.s(ss) == ss);
    std::vector<double> at(40);
    for (int i = 0; i < 40; ++i) at[i] = 1.0 + i / 64.0;
    CHECK(evaluate(ps, vars, at) == Approx(evaluate(p, vars, at)).epsilon(1e-12));
    CHECK(evaluate(ss, vars, at) == Approx(evaluate(s, vars, at)).epsilon(1e-12));
    // No factor of 1, no added 0 and no double negation survives.
    for (Expr e : topological_order(std::vector<Expr>{ps, ss})) {
        CHECK_FALSE(e->is_const(1.0));
        CHECK_FALSE(e->is_const(0.0));
        CHECK_FALSE((e->op() == Op::Neg && e->arg(0)->op() == Op::Neg));
    }
    CHECK(topological_order(ps).size() <= topological_order(plain).size() + 4);
}

TEST_CASE("simplified gradients read as written by hand", "[simplify]") {
    Exprs t;
    Expr x = t.x, y = t.y;
    Expr f = t.mul(t.pow(x, 2), t.f(Op::Sin, y));
    const Expr wrt[] = {x, y};
    const std::vector<Expr> g = simplify(t.ctx, gradient(t.ctx, f, wrt));
    CHECK_SAME(g[0], t.mul(t.mul(t.c(2), x), t.f(Op::Sin, y)));
    CHECK_SAME(g[1], t.mul(t.pow(x, 2), t.f(Op::Cos, y)));
    CHECK(to_infix(g[0]) == "2*x*sin(y)");
    CHECK(to_infix(g[1]) == "x^2*cos(y)");
    CHECK(to_infix(t.s(t.add(x, t.mul(t.c(-2), y)))) == "x - 2*y");
    CHECK(to_infix(t.s(t.mul(t.c(-1), t.f(Op::Sin, x)))) == "-sin(x)");
    // The forms docs/simplify.md shows.
    Expr s1 = t.add(t.mul(t.c(1), t.mul(t.f(Op::Sin, y), t.mul(t.c(2), t.pow(x, 1)))), t.c(0));
    CHECK(to_infix(t.s(s1)) == "2*x*sin(y)");
    Expr e3x = t.f(Op::Exp, t.mul(t.c(3), x)), sxy = t.f(Op::Sin, t.sub(x, y));
    CHECK(to_infix(t.s(t.add(t.mul(x, e3x), t.neg(t.neg(sxy))))) == "sin(x - y) + x*exp(3*x)");
    Expr s3 = t.add(t.neg(sxy), t.add(t.mul(y, e3x), t.mul(t.c(3), t.mul(t.mul(x, y), e3x))));
    CHECK(to_infix(t.s(s3)) == "y*exp(3*x) + 3*x*y*exp(3*x) - sin(x - y)");
    CHECK(to_infix(t.s(t.add(t.add(x, y), t.z))) == "x + y + z");
    CHECK(to_infix(t.s(t.mul(t.mul(y, x), t.c(2)))) == "2*x*y");
    CHECK(to_infix(t.s(t.sub(t.c(1), x))) == "1 - x");
    CHECK(to_infix(t.s(t.add(x, t.c(-1)))) == "x - 1");
    CHECK(to_infix(t.s(t.add(x, t.add(t.c(1), t.c(2))))) == "3 + x");
    CHECK(to_infix(t.s(t.neg(t.add(x, y)))) == "-x - y");
}

namespace {

// Agreement up to rounding: relative, with an absolute floor near zero.
bool agree(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)}); }

struct Tally {
    int compared = 0, mismatched = 0;
    int nonfinite = 0;  // the original is inf or NaN
    int inner = 0;      // the original is finite, but a subexpression of it is not
    // Compared and different, but not a fair oracle: the original's own value moves
    // that much when its inputs move by a few ulps (cancellation, a jump), or it
    // depends on the sign of a zero, which simplify does not keep.
    int unstable = 0, signed_zero = 0;
};

// Whether `f` keeps its value `want` when any input moves by about 500 ulps, the
// size of the rounding differences that reassociating the formula brings.
bool stable(const Interpreter& f, const std::vector<double>& p, double want) {
    for (std::size_t i = 0; i < p.size(); ++i)
        for (double step : {-1e-13, 1e-13}) {
            std::vector<double> q = p;
            q[i] += step * std::max(1.0, std::fabs(p[i]));
            const double v = f.run(q)[0];
            if (std::isfinite(v) && !agree(v, want)) return false;
        }
    return true;
}

// Compares `original` and `simplified` at `points` wherever no subexpression of the
// original is inf or NaN; elsewhere simplify's documented caveats apply.
void compare_values(Expr original, Expr simplified, std::span<const Expr> vars,
                    const std::vector<std::vector<double>>& points, Tally& tally) {
    const std::vector<Expr> nodes = topological_order(original);
    const Interpreter all(nodes, vars), simple(std::span<const Expr>(&simplified, 1), vars);
    const Interpreter value(std::span<const Expr>(&original, 1), vars);
    for (const auto& p : points) {
        const std::vector<double> v = all.run(p);
        const double want = v.back();
        if (!std::isfinite(want)) {
            ++tally.nonfinite;
            continue;
        }
        if (!std::all_of(v.begin(), v.end(), [](double d) { return std::isfinite(d); })) {
            ++tally.inner;
            continue;
        }
        ++tally.compared;
        const double got = simple.run(p)[0];
        if (agree(want, got)) continue;
        if (std::any_of(v.begin(), v.end(), [](double d) { return d == 0.0 && std::signbit(d); })) {
            ++tally.signed_zero;
        } else if (!stable(value, p, want)) {
            ++tally.unstable;
        } else {
            ++tally.mismatched;
            UNSCOPED_INFO("original " << show(original) << " = " << want << ", simplified " << show(simplified) << " = "
                                      << got << " at x=" << p[0] << " y=" << p[1] << " z=" << p[2]);
        }
    }
}

std::ostream& operator<<(std::ostream& out, const Tally& t) {
    return out << t.compared << " points compared, " << t.mismatched << " mismatched, " << t.unstable
               << " different where the original is ill-conditioned, " << t.signed_zero
               << " where it depends on the sign of a zero; not compared: " << t.nonfinite
               << " where the original is inf or NaN, " << t.inner << " where only a subexpression is";
}

}  // namespace

namespace {

// Random formulas of the kind simplify meets in gradients: mostly + - * / and powers,
// with 0, 1 and -1 among the constants and subexpressions reused, so that the
// identities, like terms and equal bases come up often. Built with a work list, like
// testing::random_expr.
Expr random_algebraic(ExprContext& ctx, std::mt19937_64& rng, std::span<const Expr> vars, int max_depth) {
    static const Op kOps[] = {Op::Add, Op::Add, Op::Add, Op::Sub, Op::Sub, Op::Mul, Op::Mul, Op::Mul, Op::Mul,
                              Op::Div, Op::Neg, Op::Neg, Op::Pow, Op::Pow, Op::Sin, Op::Exp, Op::Log, Op::Tanh};
    static const double kConstants[] = {0.0, 1.0, 1.0, -1.0, 2.0, 0.5, -3.0, 1.5};
    static const double kExponents[] = {-2.0, -1.0, 0.0, 1.0, 2.0, 2.0, 3.0, 0.5};
    auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::vector<Expr> pool;  // earlier subexpressions, reused as leaves
    auto leaf = [&]() -> Expr {
        const double u = unit(rng);
        if (u < 0.2 && !pool.empty()) return pool[pick(pool.size())];
        if (u < 0.45) return ctx.constant(kConstants[pick(std::size(kConstants))]);
        return vars[pick(vars.size())];
    };
    struct Frame {
        Op op;
        int depth;
        std::vector<Expr> args;
    };
    std::vector<Frame> stack;
    Expr result = nullptr;
    auto open = [&](int depth) {
        if (depth >= max_depth || (depth > 0 && unit(rng) < 0.25)) {
            result = leaf();
            return;
        }
        stack.push_back({kOps[pick(std::size(kOps))], depth, {}});
        result = nullptr;
    };
    open(0);
    while (!stack.empty()) {
        Frame& top = stack.back();
        if (result != nullptr) {
            top.args.push_back(result);
            result = nullptr;
        }
        if (top.op == Op::Pow && top.args.size() == 1) top.args.push_back(ctx.constant(kExponents[pick(8)]));
        if (static_cast<int>(top.args.size()) == op_info(top.op).arity) {
            result = ctx.make(top.op, top.args);
            pool.push_back(result);
            stack.pop_back();
            continue;
        }
        open(top.depth + 1);
    }
    return result;
}

}  // namespace

TEST_CASE("simplify keeps values wherever the original is finite", "[simplify][property]") {
    std::mt19937_64 rng(7391);
    std::uniform_real_distribution<double> coord(-3.0, 3.0);
    Tally general, algebraic, gradients;
    int changed = 0;
    for (int i = 0; i < 3000; ++i) {
        ExprContext ctx;
        const Expr vars[] = {ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
        std::vector<std::vector<double>> points(5);
        for (auto& p : points) p = {coord(rng), coord(rng), coord(rng)};
        // Every op, as the other layers test them.
        testing::RandomExprOptions options;
        options.max_depth = 4 + i % 3;
        options.leaf_chance = 0.15;
        const Expr e = testing::random_expr(ctx, rng, vars, options);
        compare_values(e, simplify(ctx, e), vars, points, general);
        // Arithmetic, where most rules fire, and its gradients, which are what
        // simplify is for: their raw form is full of 0s and 1s.
        const Expr a = random_algebraic(ctx, rng, vars, 3 + i % 4);
        const Expr as = simplify(ctx, a);
        changed += as != a;
        compare_values(a, as, vars, points, algebraic);
        for (Expr g : gradient(ctx, a, vars)) compare_values(g, simplify(ctx, g), vars, points, gradients);
    }
    std::cout << "simplify, random expressions: " << general << "\n"
              << "simplify, random arithmetic (" << changed << " of 3000 changed): " << algebraic << "\n"
              << "simplify, gradients of the arithmetic: " << gradients << "\n";
    CHECK(general.mismatched == 0);
    CHECK(algebraic.mismatched == 0);
    CHECK(gradients.mismatched == 0);
    CHECK(changed > 1500);
    // Random expressions over every op often leave their domain (asin(3), log(-1)),
    // but most points must still be compared.
    for (const Tally* t : {&general, &algebraic, &gradients}) {
        CHECK(t->compared > t->nonfinite + t->inner);
        CHECK(t->unstable + t->signed_zero <= t->compared / 100);
    }
}

TEST_CASE("simplify is idempotent", "[simplify][property]") {
    std::mt19937_64 rng(5150);
    int checked = 0;
    for (int i = 0; i < 3000; ++i) {
        ExprContext ctx;
        const Expr vars[] = {ctx.variable("x"), ctx.variable("y"), ctx.variable("z")};
        testing::RandomExprOptions options;
        options.max_depth = 3 + i % 4;
        options.leaf_chance = 0.15;
        std::vector<Expr> outputs{testing::random_expr(ctx, rng, vars, options),
                                  random_algebraic(ctx, rng, vars, 3 + i % 5)};
        const std::vector<Expr> g = gradient(ctx, outputs.back(), vars);
        outputs.insert(outputs.end(), g.begin(), g.end());
        for (Expr o : outputs) {
            const Expr once = simplify(ctx, o);
            const Expr twice = simplify(ctx, once);
            INFO("input " << show(o));
            CHECK_SAME(twice, once);
            ++checked;
        }
    }
    CHECK(checked == 15000);
}

TEST_CASE("simplify walks a million-deep chain without recursion", "[simplify]") {
    Exprs t;
    Expr e = t.x;
    for (int i = 0; i < 1'000'000; ++i) e = t.f(Op::Sin, e);
    CHECK(t.s(e) == e);  // nothing to do, and nothing rebuilt
}

TEST_CASE("simplify removes a million factors of 1", "[simplify]") {
    Exprs t;
    Expr p = t.x;
    for (int i = 0; i < 1'000'000; ++i) p = t.mul(p, t.c(1));
    CHECK_SAME(t.s(p), t.x);
}

// The chains below are shorter than a million, which the two above cover, because
// every level builds new nodes; 200000 levels would still overflow a recursive walk.
TEST_CASE("simplify combines like terms along a deep chain", "[simplify]") {
    Exprs t;
    // x + x + x + ... gathers a bounded run at each node and still ends in one term.
    Expr s = t.x;
    for (int i = 0; i < 200'000; ++i) s = t.add(s, t.x);
    CHECK_SAME(t.s(s), t.mul(t.c(200'001), t.x));
}

TEST_CASE("simplify rewrites at every level of a deep chain", "[simplify]") {
    Exprs t;
    Expr d = t.x;
    for (int i = 0; i < 200'000; ++i) d = t.add(t.f(Op::Sin, d), t.mul(t.y, t.c(1)));
    const Expr ds = t.s(d);
    CHECK(ds->op() == Op::Add);
    CHECK(ds->height() == 400'000);
    CHECK(t.s(ds) == ds);

    // Sums inside products inside sums, with a sign to move at every level.
    Expr m = t.x;
    for (int i = 0; i < 200'000; ++i) m = t.mul(t.sub(t.neg(m), t.x), t.y);
    const Expr ms = t.s(m);
    CHECK(t.s(ms) == ms);
    const Expr vars[] = {t.x, t.y};
    const double at[] = {0.75, 0.5};
    CHECK(evaluate(ms, vars, at) == Approx(evaluate(m, vars, at)).epsilon(1e-12));
}

TEST_CASE("simplify leaves long sums of distinct terms alone past the bound", "[simplify]") {
    Exprs t;
    Expr w = t.x;
    for (int i = 1; i <= 200'000; ++i) w = t.add(w, t.f(Op::Sin, t.mul(t.c(i), t.add(t.y, t.c(0)))));
    const Expr ws = t.s(w);
    CHECK(t.s(ws) == ws);
    const Expr vars[] = {t.x, t.y};
    const double at[] = {0.5, 0.25};
    CHECK(evaluate(ws, vars, at) == Approx(evaluate(w, vars, at)).epsilon(1e-9));
    // The first terms are gathered and sorted; y + 0 became y inside every one.
    CHECK(topological_order(ws).size() < topological_order(w).size());
}

TEST_CASE("simplify does not unfold shared subexpressions", "[simplify]") {
    Exprs t;
    Expr e = t.x;
    for (int i = 0; i < 60; ++i) e = t.add(t.mul(e, e), t.c(1));  // 2^60 paths, 121 nodes
    const std::size_t before = t.ctx.node_count();
    const Expr s = t.s(e);
    CHECK(t.ctx.node_count() - before < 1000);
    CHECK(s->op() == Op::Add);
    CHECK(s->arg(0)->is_const(1.0));
    CHECK(s->arg(1)->op() == Op::Pow);
    CHECK(topological_order(s).size() < 200);
}

TEST_CASE("simplify of several outputs shares one walk", "[simplify]") {
    Exprs t;
    const Expr outs[] = {t.mul(t.x, t.c(1)), t.add(t.y, t.c(0)), t.x};
    const std::vector<Expr> got = simplify(t.ctx, outs);
    REQUIRE(got.size() == 3);
    CHECK(got[0] == t.x);
    CHECK(got[1] == t.y);
    CHECK(got[2] == t.x);
}

TEST_CASE("simplify handles deep nests of negated sums", "[passes]") {
    // a_k = (a_(k-1) + 1)/w: negating a sum builds a sum one level further down each
    // time; this must neither recurse on depth nor take quadratic time.
    ExprContext ctx;
    Expr x = ctx.variable("x"), w = ctx.variable("w");
    Expr a = x;
    for (int k = 0; k < 100'000; ++k) a = ctx.div(ctx.add(a, ctx.constant(1)), w);
    const Expr vars[] = {x, w};
    const std::vector<Expr> g = gradient(ctx, a, vars);
    const std::vector<Expr> s = simplify(ctx, g);
    const double at[] = {0.5, 1.0};
    const std::vector<double> before = evaluate(g, vars, at), after = evaluate(s, vars, at);
    CHECK(after[0] == Approx(before[0]));
    CHECK(after[1] == Approx(before[1]));
}
