// gradcheck(): finite differences against closed forms, a planted wrong derivative
// caught and located, a kink reported, NaN conventions and bad arguments.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/gradcheck.hpp"
#include "gradc/parse.hpp"

using namespace gradc;

TEST_CASE("finite differences reach the closed form to Richardson's order", "[gradcheck]") {
    // d/dx exp(x) = exp(x), d/dx sin(3x) = 3cos(3x): the O(h^4) estimate at h = 1e-3 is
    // within 1e-10 of the exact value (plain central differences would be 1e-7 off).
    const PointFunction f = [](std::span<const double> x, std::span<double> v) {
        v[0] = std::exp(x[0]);
        v[1] = std::sin(3 * x[0]);
    };
    const double x[] = {0.7};
    const std::vector<double> d = finite_difference(f, 2, x, 0);
    CHECK(std::fabs(d[0] - std::exp(0.7)) < 1e-10);
    CHECK(std::fabs(d[1] - 3 * std::cos(2.1)) < 1e-10);
    // The step scales with |x|: at x = 1e6 a step of 1e-3 would lose every digit.
    const double far[] = {1e6};
    const PointFunction square = [](std::span<const double> p, std::span<double> v) { v[0] = p[0] * p[0]; };
    CHECK(finite_difference(square, 1, far, 0)[0] == Approx(2e6).epsilon(1e-12));
}

TEST_CASE("gradcheck of expressions passes exact gradients and catches a wrong one", "[gradcheck]") {
    ExprContext ctx;
    const Program p = parse(ctx, "x^2*sin(y) + exp(x*y)");
    const std::vector<std::vector<double>> points = {{0.5, 1.5}, {1.2, -0.3}, {-2.0, 0.25}};
    const GradcheckResult good = gradcheck(ctx, p.outputs, p.variables, p.variables, points);
    CHECK(good.ok);
    CHECK(good.max_error < 1e-9);
    REQUIRE(good.partials.size() == 2);
    CHECK(good.partials[1].input == 1);

    // ∂/∂y off by 1e-4 at the second point only: found there, and only for y.
    const PointFunction values = [](std::span<const double> x, std::span<double> v) {
        v[0] = x[0] * x[0] * std::sin(x[1]) + std::exp(x[0] * x[1]);
    };
    const PointFunction planted = [](std::span<const double> x, std::span<double> d) {
        const double e = std::exp(x[0] * x[1]);
        d[0] = 2 * x[0] * std::sin(x[1]) + x[1] * e;
        d[1] = x[0] * x[0] * std::cos(x[1]) + x[0] * e + (x[0] == 1.2 ? 1e-4 : 0.0);
    };
    const std::size_t both[] = {0, 1};
    const GradcheckResult bad = gradcheck(values, planted, 1, both, points);
    CHECK_FALSE(bad.ok);
    CHECK(bad.partials[0].error < 1e-9);
    CHECK(bad.partials[1].error == Approx(1e-4 / std::fabs(bad.partials[1].numeric)).epsilon(1e-3));
    CHECK(bad.partials[1].at == points[1]);
    CHECK(bad.max_error == bad.partials[1].error);
    // Checking x alone leaves the wrong partial out (its derivatives hold ∂/∂x only).
    const PointFunction planted_x = [&planted](std::span<const double> x, std::span<double> d) {
        double both_partials[2];
        planted(x, both_partials);
        d[0] = both_partials[0];
    };
    const std::size_t x_only[] = {0};
    CHECK(gradcheck(values, planted_x, 1, x_only, points).ok);
}

TEST_CASE("gradcheck reports a kink and follows the NaN conventions", "[gradcheck]") {
    ExprContext ctx;
    // floor(3x) has derivative 0 but jumps at x = 1: the differences see the jump.
    const Program kink = parse(ctx, "floor(3*x)");
    const std::vector<std::vector<double>> at_jump = {{1.0}};
    CHECK_FALSE(gradcheck(ctx, kink.outputs, kink.variables, kink.variables, at_jump).ok);
    CHECK(disagreement(NAN, NAN) == 0);
    CHECK(disagreement(NAN, 1.0) == INFINITY);
    CHECK(disagreement(INFINITY, INFINITY) == 0);
    CHECK(disagreement(0.5, 0.25) == 0.25);    // absolute below 1
    CHECK(disagreement(200, 100) == 0.5);      // relative above
}

TEST_CASE("gradcheck refuses points and options it cannot use", "[gradcheck][errors]") {
    const PointFunction f = [](std::span<const double> x, std::span<double> v) { v[0] = x[0]; };
    const std::size_t first[] = {0}, third[] = {2};
    const std::vector<std::vector<double>> ragged = {{1.0, 2.0}, {1.0}};
    CHECK_THROWS_AS(gradcheck(f, f, 1, first, ragged), Error);
    const std::vector<std::vector<double>> one = {{1.0, 2.0}};
    CHECK_THROWS_AS(gradcheck(f, f, 1, third, one), Error);
    CHECK_THROWS_AS(gradcheck(f, f, 1, first, one, GradcheckOptions{.tolerance = 0}), Error);
    CHECK_THROWS_AS(gradcheck(f, f, 1, first, one, GradcheckOptions{.step = NAN}), Error);
    ExprContext ctx;
    const Program p = parse(ctx, "x*y");
    const Expr z = ctx.variable("z");
    CHECK_THROWS_AS(gradcheck(ctx, p.outputs, p.variables, std::span<const Expr>(&z, 1), one), Error);
}
