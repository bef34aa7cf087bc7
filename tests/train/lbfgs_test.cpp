// L-BFGS against known optima: Rosenbrock's valley, a higher-dimensional Rosenbrock, an
// ill-conditioned quadratic, and a compiled kernel from a parsed formula.
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
