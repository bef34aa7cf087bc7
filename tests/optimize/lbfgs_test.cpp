// L-BFGS against known optima: Rosenbrock's valley, a higher-dimensional Rosenbrock, an
// ill-conditioned quadratic, and compiled kernels of parsed formulas (Rosenbrock, Beale,
// Powell's singular function).
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "gradc/jit.hpp"
#include "gradc/optimize.hpp"
#include "gradc/parse.hpp"

using namespace gradc;

namespace {

// sum over i of 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2, minimum 0 at (1, ..., 1).
double rosenbrock(std::span<const double> x, std::span<double> g) {
    double f = 0.0;
    for (double& gi : g) gi = 0.0;
    for (std::size_t i = 0; i + 1 < x.size(); ++i) {
        const double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
        f += 100 * a * a + b * b;
        g[i] += -400 * x[i] * a - 2 * b;
        g[i + 1] += 200 * a;
    }
    return f;
}

}  // namespace

TEST_CASE("L-BFGS finds Rosenbrock's minimum from (-1.2, 1)", "[train][lbfgs]") {
    std::size_t calls = 0;
    const Objective f = [&](std::span<const double> x, std::span<double> g) {
        ++calls;
        return rosenbrock(x, g);
    };
    const std::vector<double> x0{-1.2, 1.0};
    const MinimizeResult r = minimize(f, x0);
    INFO(r.message);
    CHECK(r.converged);
    CHECK(r.reason == StopReason::GradientTolerance);
    CHECK(r.x[0] == Approx(1.0).margin(1e-8));
    CHECK(r.x[1] == Approx(1.0).margin(1e-8));
    CHECK(r.value < 1e-16);
    CHECK(r.evaluations == calls);
    CHECK(r.iterations <= 60);  // SciPy's L-BFGS-B takes about 35 from here
    CHECK(r.evaluations <= 2 * r.iterations + 10);
    CHECK(std::fabs(r.gradient[0]) <= 1e-8);
    CHECK(std::fabs(r.gradient[1]) <= 1e-8);
}

TEST_CASE("L-BFGS on a 10-dimensional Rosenbrock and with a short history", "[train][lbfgs]") {
    std::vector<double> x0(10, -1.0);
    x0[0] = -1.2;
    for (const std::size_t history : {3, 10}) {
        INFO("history " << history);
        MinimizeOptions options;
        options.history = history;
        const MinimizeResult r = minimize(rosenbrock, x0, options);
        INFO(r.message);
        CHECK(r.converged);
        for (const double xi : r.x) CHECK(xi == Approx(1.0).margin(1e-7));
    }
}

TEST_CASE("L-BFGS with near-exact line searches ends a quadratic in n steps", "[train][lbfgs]") {
    // f = sum of 10^(i/2) (x_i - i)^2 for i = 0..9: condition number 10^4.5, minimizer
    // (0, 1, ..., 9). With exact line searches and m >= n, L-BFGS takes conjugate gradient's
    // steps and ends in at most n; c2 = 0.1 comes close to exact.
    const Objective f = [](std::span<const double> x, std::span<double> g) {
        double sum = 0.0;
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double w = std::pow(10.0, static_cast<double>(i) / 2), d = x[i] - static_cast<double>(i);
            sum += w * d * d;
            g[i] = 2 * w * d;
        }
        return sum;
    };
    const std::vector<double> x0(10, 0.0);
    MinimizeOptions options;
    options.line_search.c2 = 0.1;
    const MinimizeResult exact = minimize(f, x0, options);
    INFO(exact.message);
    CHECK(exact.converged);
    CHECK(exact.iterations <= 12);
    for (std::size_t i = 0; i < 10; ++i) CHECK(exact.x[i] == Approx(static_cast<double>(i)).margin(1e-9));
    // The default c2 = 0.9 accepts rougher steps: more of them, the same answer.
    const MinimizeResult rough = minimize(f, x0);
    CHECK(rough.converged);
    for (std::size_t i = 0; i < 10; ++i) CHECK(rough.x[i] == Approx(static_cast<double>(i)).margin(1e-9));
}

TEST_CASE("L-BFGS on a compiled kernel of a parsed formula", "[train][lbfgs][jit]") {
    ExprContext ctx;
    const Program p = parse(ctx, "(1 - x)^2 + 100*(y - x^2)^2");
    Jit jit;
    const Objective f = kernel_objective(compile_point(jit, ctx, p.outputs[0], p.variables));
    const std::vector<double> x0{-1.2, 1.0};
    const MinimizeResult compiled = minimize(f, x0);
    const MinimizeResult by_hand = minimize(rosenbrock, x0);
    CHECK(compiled.converged);
    CHECK(compiled.x[0] == Approx(1.0).margin(1e-8));
    CHECK(compiled.x[1] == Approx(1.0).margin(1e-8));
    // The kernel computes the same function, so the runs agree to rounding.
    CHECK(compiled.iterations == Approx(static_cast<double>(by_hand.iterations)).margin(3));
}

TEST_CASE("kernel_objective refuses kernels without exactly a value and its gradient", "[train][lbfgs][errors]") {
    ExprContext ctx;
    const Program p = parse(ctx, "x*y, x + y");
    Jit jit;
    CHECK_THROWS_AS(kernel_objective(compile_point(jit, ctx, p.outputs, p.variables)), Error);
    CHECK_THROWS_AS(kernel_objective(compile_point(jit, ctx, p.outputs[0], p.variables, Derivatives::None)), Error);
    CHECK_THROWS_AS(kernel_objective(Kernel{}), Error);
}

TEST_CASE("L-BFGS with a learning rate scales its first trial step", "[train][lbfgs]") {
    // On x^2 from 1: the direction is -2, and lr 0.25 makes the first trial min(1, 1/2) * 0.25
    // = 0.125 of it; later trials are 0.25 of the quasi-Newton step.
    MinimizeOptions options;
    options.learning_rate = 0.25;
    const Objective f = [](std::span<const double> x, std::span<double> g) {
        g[0] = 2 * x[0];
        return x[0] * x[0];
    };
    const std::vector<double> x0{1.0};
    const MinimizeResult r = minimize(f, x0, options);
    CHECK(r.converged);
    CHECK(r.x[0] == Approx(0.0).margin(0.5e-8));  // |f'(x)| = 2|x| <= 1e-8
    // Later trials are a quarter of the quasi-Newton step, so it takes many more steps
    // than with lr 1, whose first step lands on 0.
    CHECK(r.iterations > minimize(f, x0).iterations);
}

TEST_CASE("L-BFGS finds Beale's minimum from (1, 1) on a compiled kernel", "[train][lbfgs][jit]") {
    // Beale's function (Moré, Garbow and Hillstrom 1981, problem 5): 0 at (3, 0.5), the
    // only point where all three squares vanish, since 1.5 - 3 + 3/2 = 2.25 - 3 + 3/4 =
    // 2.625 - 3 + 3/8 = 0.
    ExprContext ctx;
    const Program p = parse(ctx, "(1.5 - x + x*y)^2 + (2.25 - x + x*y^2)^2 + (2.625 - x + x*y^3)^2");
    Jit jit;
    const Objective f = kernel_objective(compile_point(jit, ctx, p.outputs[0], p.variables));
    const std::vector<double> x0{1.0, 1.0};
    const MinimizeResult r = minimize(f, x0);
    INFO(r.message << ": " << r.iterations << " iterations, " << r.evaluations << " evaluations");
    CHECK(r.converged);
    CHECK(r.reason == StopReason::GradientTolerance);
    // The Hessian at the minimum is positive definite (eigenvalues about 0.30 and 49), so
    // a gradient g within 1e-8 of 0 in each part puts x within about |g| / 0.3 = 5e-8 of
    // it, and f near gᵀH⁻¹g / 2 <= |g|² / 0.6, about 4e-16.
    CHECK(r.x[0] == Approx(3.0).margin(1e-7));
    CHECK(r.x[1] == Approx(0.5).margin(1e-7));
    CHECK(r.value < 1e-15);
}

TEST_CASE("L-BFGS approaches the minimum of Powell's singular function from (3, -1, 0, 1)", "[train][lbfgs][jit]") {
    // Powell's singular function (Moré, Garbow and Hillstrom 1981, problem 13): 0 at the
    // origin, where the Hessian is singular (the quartic terms have no curvature there),
    // so convergence is linear at best and x approaches 0 only as f^(1/4).
    ExprContext ctx;
    const Program p = parse(ctx, "(x1 + 10*x2)^2 + 5*(x3 - x4)^2 + (x2 - 2*x3)^4 + 10*(x1 - x4)^4");
    Jit jit;
    const Objective f = kernel_objective(compile_point(jit, ctx, p.outputs[0], p.variables));
    const std::vector<double> x0{3.0, -1.0, 0.0, 1.0};
    std::vector<double> g(4);
    // The value the standard test set gives at x0, which also shows the kernel takes
    // the variables in the order x1, ..., x4.
    REQUIRE(f(x0, g) == Approx(215.0));
    const MinimizeResult r = minimize(f, x0);
    INFO(r.message << ": " << r.iterations << " iterations, " << r.evaluations << " evaluations, f = " << r.value);
    CHECK(r.converged);
    CHECK(r.reason == StopReason::GradientTolerance);
    // A gradient within 1e-8 of 0 bounds the quartic parts u = x2 - 2x3 and v = x1 - x4
    // only to about (1e-8 / 4)^(1/3) = 1.4e-3 and (1e-8 / 40)^(1/3) = 6e-4; with the
    // quadratic parts near 0, x1 = -10(u - 2v)/21 and x3 = -(v + 10u)/21 are then within
    // about 1.2e-3 and 7e-4 of 0, and f = u^4 + 10v^4 below about 5e-12.
    CHECK(r.value < 1e-11);
    for (const double xi : r.x) CHECK(xi == Approx(0.0).margin(2e-3));
}
