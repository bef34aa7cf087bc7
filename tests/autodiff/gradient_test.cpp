#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>

#include "gradc/autodiff.hpp"
#include "gradc/eval.hpp"
#include "gradc/gradcheck.hpp"
#include "gradc/print.hpp"
#include "support/random_expr.hpp"

using namespace gradc;

namespace {

// gradcheck's finite differences at two step sizes; nullopt when they disagree (a
// kink, a domain edge, or too much cancellation), so the point is not a fair oracle.
std::optional<double> finite_difference(const Interpreter& f, const std::vector<double>& x, std::size_t i) {
    const PointFunction value = [&f](std::span<const double> p, std::span<double> out) { f.run(p, out); };
    const double d1 = gradc::finite_difference(value, 1, x, i, 1e-5)[0];
    const double d2 = gradc::finite_difference(value, 1, x, i, 5e-6)[0];
    if (!std::isfinite(d1) || !std::isfinite(d2)) return std::nullopt;
    if (std::fabs(d1 - d2) > 1e-5 * std::max(1.0, std::fabs(d2))) return std::nullopt;
    return d2;
}

bool close(double a, double b, double tol) { return std::fabs(a - b) <= tol * std::max(1.0, std::fabs(b)); }

// The known singularities: an op whose value is finite where its derivative is not,
// at its operand's value there. `inside` is an expression's topological order and
// `values` the interpreter's value of each of its nodes.
bool at_known_singularity(const std::vector<Expr>& inside, const std::vector<double>& values) {
    std::unordered_map<Expr, double> value;
    for (std::size_t k = 0; k < inside.size(); ++k) value.emplace(inside[k], values[k]);
    for (Expr e : inside) {
        if (e->arity() == 0) continue;
        const double a = value.at(e->arg(0));
        const Op op = e->op();
        // d/da sqrt(a) = 1/(2 sqrt(a)), cbrt likewise; d/da a^b = b·a^(b-1) for b < 1.
        if ((op == Op::Sqrt || op == Op::Cbrt || op == Op::Pow) && a == 0) return true;
        // 1/sqrt(1 - a²), -1/sqrt(1 - a²), 1/(1 - a²), 1/sqrt(a² - 1).
        if ((op == Op::Asin || op == Op::Acos || op == Op::Atanh) && std::fabs(a) == 1) return true;
        if (op == Op::Acosh && a == 1) return true;
        // Both partials divide by a² + b².
        if ((op == Op::Hypot || op == Op::Atan2) && a == 0 && value.at(e->arg(1)) == 0) return true;
    }
    return false;
}

}  // namespace

TEST_CASE("every rule agrees with finite differences", "[autodiff]") {
    std::mt19937_64 rng(20261128);
    std::uniform_real_distribution<double> coord(-2.5, 2.5);
    for (Op op : testing::interior_ops()) {
        ExprContext ctx;
        const Expr vars[] = {ctx.variable("a"), ctx.variable("b"), ctx.variable("c")};
        std::vector<Expr> args;
        for (int i = 0; i < op_info(op).arity; ++i) args.push_back(vars[i]);
        // where's condition is a comparison so both branches get exercised.
        if (op == Op::Where) args[0] = ctx.make(Op::Gt, vars[0], ctx.constant(0.0));
        Expr f = ctx.make(op, args);
        const std::vector<Expr> grad = gradient(ctx, f, vars);
        std::vector<Expr> outputs{f};
        outputs.insert(outputs.end(), grad.begin(), grad.end());
        Interpreter value(std::span<const Expr>(&f, 1), vars), all(outputs, vars);
        int compared = 0;
        for (int trial = 0; trial < 200; ++trial) {
            std::vector<double> x{coord(rng), coord(rng), coord(rng)};
            if (!std::isfinite(value.run(x)[0])) continue;
            const std::vector<double> got = all.run(x);
            for (std::size_t i = 0; i < 3; ++i) {
                auto fd = finite_difference(value, x, i);
                if (!fd) continue;
                INFO(op_info(op).spelling << " at a=" << x[0] << " b=" << x[1] << " c=" << x[2] << " d/d" << i);
                CHECK(close(got[1 + i], *fd, 1e-4));
                ++compared;
            }
        }
        INFO(op_info(op).spelling);
        CHECK(compared > 100);
    }
}

TEST_CASE("random expressions: gradient agrees with finite differences", "[autodiff]") {
    std::mt19937_64 rng(7);
    std::uniform_real_distribution<double> coord(-2.0, 2.0);
    std::map<std::string, int> outcome;
    std::map<std::string, int> op_seen;
    constexpr int kExpressions = 10'000;
    for (int n = 0; n < kExpressions; ++n) {
        ExprContext ctx;
        const Expr vars[] = {ctx.variable("x"), ctx.variable("y")};
        Expr f = testing::random_expr(ctx, rng, vars, {.max_depth = 4, .domain_safe = true});
        const std::vector<Expr> inside = topological_order(f);
        for (Expr e : inside)
            if (e->arity() > 0) ++op_seen[std::string(op_info(e->op()).spelling)];
        const std::vector<Expr> grad = gradient(ctx, f, vars);
        Interpreter value(std::span<const Expr>(&f, 1), vars), partials(grad, vars), steps(inside, vars);
        // Draw points until one is inside the domain: no intermediate value may be NaN
        // or inf, even when the result is finite (pow(NaN, 0) = 1).
        std::vector<double> x;
        for (int draw = 0; draw < 20 && x.empty(); ++draw) {
            std::vector<double> p{coord(rng), coord(rng)};
            const std::vector<double> intermediate = steps.run(p);
            if (std::all_of(intermediate.begin(), intermediate.end(), [](double v) { return std::isfinite(v); }))
                x = p;
            else
                ++outcome["draws outside domain"];
        }
        if (x.empty()) {
            ++outcome["expressions without a point in their domain"];
            continue;
        }
        const std::vector<double> got = partials.run(x);
        for (std::size_t i = 0; i < 2; ++i) {
            auto fd = finite_difference(value, x, i);
            if (!fd) {
                ++outcome["partials ill-conditioned"];
                continue;
            }
            if (!std::isfinite(got[i])) {
                // The chain rule may meet 0 * inf where an operand sits at one of its
                // function's listed singularities yet the result is flat; anywhere else
                // a non-finite partial beside finite differences is a wrong rule.
                if (at_known_singularity(inside, steps.run(x))) {
                    ++outcome["partials singular"];
                    continue;
                }
                ++outcome["mismatch"];
                FAIL_CHECK("d/d" << vars[i]->name() << " of " << to_infix(f) << " at (" << x[0] << ", " << x[1]
                                 << ") is " << got[i] << " where finite differences give " << *fd);
                continue;
            }
            ++outcome["partials compared"];
            if (!close(got[i], *fd, 1e-3)) {
                ++outcome["mismatch"];
                FAIL_CHECK("d/d" << vars[i]->name() << " at (" << x[0] << ", " << x[1] << "): " << got[i]
                                 << " vs finite difference " << *fd);
            }
        }
    }
    std::string report;
    for (auto& [k, v] : outcome) report += k + ": " + std::to_string(v) + "\n";
    for (auto& [k, v] : op_seen) report += k + "=" + std::to_string(v) + " ";
    WARN(report);
    for (Op op : testing::interior_ops()) {
        INFO(op_info(op).spelling);
        CHECK(op_seen[std::string(op_info(op).spelling)] > 100);
    }
    const int compared = outcome["partials compared"];
    CHECK(compared > 2 * kExpressions * 90 / 100);
    CHECK(outcome["expressions without a point in their domain"] < kExpressions * 3 / 100);
    CHECK(outcome["partials ill-conditioned"] + outcome["partials singular"] < compared * 3 / 100);
}

TEST_CASE("the untaken branch of where never reaches the gradient", "[autodiff]") {
    ExprContext ctx;
    Expr x = ctx.variable("x");
    const Expr wrt[] = {x};
    auto d_at = [&](Expr f, double at) {
        const double v[] = {at};
        return evaluate(gradient(ctx, f, wrt)[0], wrt, v);
    };
    Expr zero = ctx.constant(0.0);
    Expr positive = ctx.make(Op::Gt, x, zero);
    // d/dx where(x>0, sqrt(x), 0) at -1 is 0, not NaN.
    CHECK(d_at(ctx.make(Op::Where, positive, ctx.make(Op::Sqrt, x), zero), -1.0) == 0.0);
    // d/dx where(x>0, log(x), x) at -2 is 1.
    CHECK(d_at(ctx.make(Op::Where, positive, ctx.make(Op::Log, x), x), -2.0) == 1.0);
    // Nested: the inner branch's 1/x at x = 0 must not leak either.
    Expr inner = ctx.make(Op::Where, ctx.make(Op::Lt, x, ctx.constant(5.0)), ctx.make(Op::Log, x), x);
    CHECK(d_at(ctx.make(Op::Where, positive, inner, ctx.mul(ctx.constant(3.0), x)), 0.0) == 3.0);
    // Shared: the same sqrt in a guarded and an unguarded position.
    Expr s = ctx.make(Op::Sqrt, x);
    Expr shared = ctx.add(ctx.make(Op::Where, positive, s, zero), ctx.make(Op::Where, positive, ctx.mul(s, s), x));
    CHECK(d_at(shared, -4.0) == 1.0);
    CHECK(d_at(shared, 4.0) == Approx(0.25 + 1.0));
    // A rule with its sign outside the guard (acos) and guards on different conditions
    // summed into one adjoint must stay guarded too.
    CHECK(d_at(ctx.make(Op::Where, positive, ctx.make(Op::Acos, ctx.make(Op::Sqrt, x)), zero), -1.0) == 0.0);
    Expr above_one = ctx.make(Op::Gt, x, ctx.constant(1.0));
    Expr two_guards = ctx.add(ctx.make(Op::Where, positive, s, zero), ctx.make(Op::Where, above_one, s, zero));
    CHECK(d_at(two_guards, -1.0) == 0.0);
    CHECK(d_at(two_guards, 4.0) == Approx(0.5));
    // Else-branches nested in then-branches.
    Expr nested = ctx.make(Op::Where, positive,
                           ctx.make(Op::Where, above_one, x, ctx.make(Op::Log, ctx.sub(ctx.constant(1), x))), zero);
    CHECK(d_at(nested, -3.0) == 0.0);
    CHECK(d_at(nested, 0.5) == Approx(-2.0));
    CHECK(d_at(nested, 2.0) == 1.0);
}

TEST_CASE("derivatives at special points of pow", "[autodiff]") {
    ExprContext ctx;
    Expr x = ctx.variable("x");
    const Expr wrt[] = {x};
    const double zero[] = {0.0};
    // x^0 is flat everywhere, 0 included (not 0 * 0^-1).
    CHECK(evaluate(gradient(ctx, ctx.pow(x, ctx.constant(0)), wrt)[0], wrt, zero) == 0.0);
    CHECK(evaluate(gradient(ctx, ctx.pow(x, ctx.constant(1)), wrt)[0], wrt, zero) == 1.0);
    // A negative base with an integer exponent has a value and a derivative in the
    // base, constant exponent or not: d/dx x^3 at -2 is 12.
    Expr y = ctx.variable("y");
    const Expr both[] = {x, y};
    const double at[] = {-2.0, 3.0};
    CHECK(evaluate(gradient(ctx, ctx.pow(x, ctx.constant(3)), wrt)[0], wrt, std::span<const double>(at, 1)) ==
          Approx(12.0));
    CHECK(evaluate(gradient(ctx, ctx.pow(x, y), both)[0], both, at) == Approx(12.0));
}

TEST_CASE("forward mode adds the directions of a variable listed twice", "[autodiff]") {
    ExprContext ctx;
    Expr x = ctx.variable("x");
    Expr f = ctx.make(Op::Sin, x);
    const Expr wrt[] = {x, x};
    const Expr direction[] = {ctx.constant(2.0), ctx.constant(3.0)};
    const double at[] = {0.5};
    CHECK(evaluate(jvp(ctx, f, wrt, direction), std::span<const Expr>(&x, 1), at) == Approx(5 * std::cos(0.5)));
}

TEST_CASE("kink conventions", "[autodiff]") {
    ExprContext ctx;
    Expr x = ctx.variable("x"), y = ctx.variable("y");
    const Expr wrt[] = {x, y};
    auto grad_at = [&](Expr f, double vx, double vy) {
        const double v[] = {vx, vy};
        return evaluate(gradient(ctx, f, wrt), wrt, v);
    };
    CHECK(grad_at(ctx.make(Op::Abs, x), 0, 0)[0] == 0.0);
    CHECK(grad_at(ctx.make(Op::Relu, x), 0, 0)[0] == 0.0);
    CHECK(grad_at(ctx.make(Op::Relu, x), 1e-300, 0)[0] == 1.0);
    CHECK(grad_at(ctx.make(Op::Sign, x), 0, 0)[0] == 0.0);
    CHECK(grad_at(ctx.make(Op::Floor, x), 2, 0)[0] == 0.0);
    CHECK(grad_at(ctx.make(Op::Max, x, y), 1, 1) == std::vector<double>{0.5, 0.5});
    CHECK(grad_at(ctx.make(Op::Min, x, y), 1, 2) == std::vector<double>{1.0, 0.0});
    // pow with a variable exponent at base 0: flat in the exponent.
    CHECK(grad_at(ctx.pow(x, y), 0, 2) == std::vector<double>{0.0, 0.0});
}

TEST_CASE("a million-deep chain differentiates without recursion", "[autodiff]") {
    ExprContext ctx;
    Expr x = ctx.variable("x");
    Expr e = x;
    for (int i = 0; i < 1'000'000; ++i) e = ctx.make(Op::Sin, e);
    const std::size_t before = ctx.node_count();
    const Expr wrt[] = {x};
    Expr d = gradient(ctx, e, wrt)[0];
    // sin adds cos(a) and one product per link.
    CHECK(ctx.node_count() - before <= 2 * 1'000'000 + 2);
    const double v[] = {0.3};
    double value = 0.3, expect = 1.0;
    for (int i = 0; i < 1'000'000; ++i) {
        expect *= std::cos(value);
        value = std::sin(value);
    }
    CHECK(evaluate(d, wrt, v) == Approx(expect).epsilon(1e-12));
}
