// Every derivative rule against its textbook closed form, evaluated with the C
// library at points inside the function's domain: an oracle independent of both
// finite differences and gradc's own rules.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <map>
#include <numbers>

#include "gradc/autodiff.hpp"
#include "gradc/eval.hpp"
#include "support/random_expr.hpp"

using namespace gradc;

namespace {

using Partials = std::function<std::vector<double>(double a, double b, double c)>;

double sq(double v) { return v * v; }

// d op / d operand_i, written independently of lib/autodiff/rules.cpp.
const std::map<Op, Partials>& closed_forms() {
    using std::sqrt;
    static const std::map<Op, Partials> table = {
        {Op::Neg, [](double, double, double) { return std::vector<double>{-1}; }},
        {Op::Add, [](double, double, double) { return std::vector<double>{1, 1}; }},
        {Op::Sub, [](double, double, double) { return std::vector<double>{1, -1}; }},
        {Op::Mul, [](double a, double b, double) { return std::vector<double>{b, a}; }},
        {Op::Div, [](double a, double b, double) { return std::vector<double>{1 / b, -a / (b * b)}; }},
        {Op::Pow, [](double a, double b,
                     double) { return std::vector<double>{b * std::pow(a, b - 1), std::pow(a, b) * std::log(a)}; }},
        {Op::Sqrt, [](double a, double, double) { return std::vector<double>{0.5 / sqrt(a)}; }},
        {Op::Cbrt, [](double a, double, double) { return std::vector<double>{1 / (3 * std::cbrt(a * a))}; }},
        {Op::Exp, [](double a, double, double) { return std::vector<double>{std::exp(a)}; }},
        {Op::Expm1, [](double a, double, double) { return std::vector<double>{std::exp(a)}; }},
        {Op::Log, [](double a, double, double) { return std::vector<double>{1 / a}; }},
        {Op::Log1p, [](double a, double, double) { return std::vector<double>{1 / (1 + a)}; }},
        {Op::Log2, [](double a, double, double) { return std::vector<double>{1 / (a * std::numbers::ln2)}; }},
        {Op::Log10, [](double a, double, double) { return std::vector<double>{1 / (a * std::numbers::ln10)}; }},
        {Op::Sin, [](double a, double, double) { return std::vector<double>{std::cos(a)}; }},
        {Op::Cos, [](double a, double, double) { return std::vector<double>{-std::sin(a)}; }},
        {Op::Tan, [](double a, double, double) { return std::vector<double>{1 / sq(std::cos(a))}; }},
        {Op::Asin, [](double a, double, double) { return std::vector<double>{1 / sqrt(1 - a * a)}; }},
        {Op::Acos, [](double a, double, double) { return std::vector<double>{-1 / sqrt(1 - a * a)}; }},
        {Op::Atan, [](double a, double, double) { return std::vector<double>{1 / (1 + a * a)}; }},
        {Op::Sinh, [](double a, double, double) { return std::vector<double>{std::cosh(a)}; }},
        {Op::Cosh, [](double a, double, double) { return std::vector<double>{std::sinh(a)}; }},
        {Op::Tanh, [](double a, double, double) { return std::vector<double>{1 / sq(std::cosh(a))}; }},
        {Op::Asinh, [](double a, double, double) { return std::vector<double>{1 / sqrt(a * a + 1)}; }},
        {Op::Acosh, [](double a, double, double) { return std::vector<double>{1 / sqrt(a * a - 1)}; }},
        {Op::Atanh, [](double a, double, double) { return std::vector<double>{1 / (1 - a * a)}; }},
        {Op::Abs, [](double a, double, double) { return std::vector<double>{a > 0 ? 1.0 : -1.0}; }},
        {Op::Sign, [](double, double, double) { return std::vector<double>{0}; }},
        {Op::Floor, [](double, double, double) { return std::vector<double>{0}; }},
        {Op::Ceil, [](double, double, double) { return std::vector<double>{0}; }},
        {Op::Erf,
         [](double a, double, double) { return std::vector<double>{2 / sqrt(std::numbers::pi) * std::exp(-a * a)}; }},
        {Op::Relu, [](double a, double, double) { return std::vector<double>{a > 0 ? 1.0 : 0.0}; }},
        {Op::Sigmoid,
         [](double a, double, double) { return std::vector<double>{std::exp(-a) / sq(1 + std::exp(-a))}; }},
        {Op::Softplus, [](double a, double, double) { return std::vector<double>{1 / (1 + std::exp(-a))}; }},
        {Op::Atan2,
         [](double a, double b, double) { return std::vector<double>{b / (a * a + b * b), -a / (a * a + b * b)}; }},
        {Op::Hypot,
         [](double a, double b, double) { return std::vector<double>{a / std::hypot(a, b), b / std::hypot(a, b)}; }},
        {Op::Min, [](double a, double b, double) { return std::vector<double>{a < b ? 1.0 : 0.0, b < a ? 1.0 : 0.0}; }},
        {Op::Max, [](double a, double b, double) { return std::vector<double>{a > b ? 1.0 : 0.0, b > a ? 1.0 : 0.0}; }},
        {Op::Lt, [](double, double, double) { return std::vector<double>{0, 0}; }},
        {Op::Le, [](double, double, double) { return std::vector<double>{0, 0}; }},
        {Op::Gt, [](double, double, double) { return std::vector<double>{0, 0}; }},
        {Op::Ge, [](double, double, double) { return std::vector<double>{0, 0}; }},
        {Op::Eq, [](double, double, double) { return std::vector<double>{0, 0}; }},
        {Op::Ne, [](double, double, double) { return std::vector<double>{0, 0}; }},
        {Op::Where,
         [](double a, double, double) { return std::vector<double>{0, a != 0 ? 1.0 : 0.0, a != 0 ? 0.0 : 1.0}; }},
        {Op::Erfc,
         [](double a, double, double) { return std::vector<double>{-2 / sqrt(std::numbers::pi) * std::exp(-a * a)}; }},
    };
    return table;
}

// Points inside every op's domain (acosh needs a > 1, asin |a| < 1, log a > 0), with
// both signs of b, c where the domain allows, and no ties for min/max.
const double kPoints[][3] = {{0.3, 1.7, -0.4}, {0.85, -0.6, 2.2}, {0.05, 2.5, 0.7}};

}  // namespace

TEST_CASE("every rule matches its closed form", "[autodiff]") {
    for (Op op : testing::interior_ops()) {
        INFO(op_info(op).spelling);
        auto form = closed_forms().find(op);
        REQUIRE(form != closed_forms().end());  // a new op needs its closed form here
        ExprContext ctx;
        const Expr vars[] = {ctx.variable("a"), ctx.variable("b"), ctx.variable("c")};
        const std::size_t arity = static_cast<std::size_t>(op_info(op).arity);
        Expr f = ctx.make(op, std::span<const Expr>(vars, arity));
        const std::vector<Expr> grad = gradient(ctx, f, std::span<const Expr>(vars, arity));
        for (const auto& p : kPoints) {
            // acosh is defined for a >= 1 only: shift its point into the domain.
            const double a = op == Op::Acosh ? 1 + p[1] * p[1] : p[0];
            const std::vector<double> at{a, p[1], p[2]};
            const std::vector<double> got =
                evaluate(grad, std::span<const Expr>(vars, arity), std::span<const double>(at.data(), arity));
            const std::vector<double> expect = form->second(a, p[1], p[2]);
            for (std::size_t i = 0; i < arity; ++i) {
                INFO("d/d" << vars[i]->name() << " at a=" << a << " b=" << p[1] << " c=" << p[2]);
                CHECK(got[i] == Approx(expect[i]).epsilon(1e-13).margin(1e-15));
            }
        }
    }
}
