// minimize() with every first-order optimizer on a convex quadratic with a known
// minimizer, and each way a run can stop: tolerances, the iteration limit, divergence,
// a function without a minimum, and a starting point where it is undefined.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"

using namespace gradc;

namespace {

// f = (x - 3)^2 + 10 (y + 1)^2 + x y: convex (Hessian [[2, 1], [1, 20]]); the gradient
// 2(x - 3) + y, 20(y + 1) + x vanishes at x = 140/39, y = -46/39.
double quadratic(std::span<const double> p, std::span<double> g) {
    const double x = p[0], y = p[1];
    g[0] = 2 * (x - 3) + y;
    g[1] = 20 * (y + 1) + x;
    return (x - 3) * (x - 3) + 10 * (y + 1) * (y + 1) + x * y;
}

constexpr double kX = 140.0 / 39, kY = -46.0 / 39;

struct Case {
    Method method;
    double lr;
    Schedule schedule{};
};

}  // namespace

TEST_CASE("every first-order optimizer reaches a quadratic's minimizer", "[train][minimize]") {
    // Learning rates that suit the curvatures (about 1.95 and 20.05).
    const std::vector<Case> cases = {
        {Method::GradientDescent, 0.09, {}},
        {Method::Momentum, 0.02, {}},
        {Method::Nesterov, 0.02, {}},
        {Method::Adagrad, 1.0, {}},
        {Method::Rmsprop, 0.01, {}},
        {Method::Rmsprop, 0.01, Schedule::step(500, 0.5)},
        {Method::Adam, 0.1, {}},
        {Method::Adam, 0.1, Schedule::cosine(5000)},
    };
    for (const Case& c : cases) {
        INFO("method " << static_cast<int>(c.method) << ", lr " << c.lr);
        MinimizeOptions options;
        options.method = c.method;
        options.learning_rate = c.lr;
        options.schedule = c.schedule;
        options.max_iterations = 5000;
        options.gradient_tolerance = 1e-9;
        const std::vector<double> x0{0.0, 0.0};
        const MinimizeResult r = minimize(quadratic, x0, options);
        INFO(r.message << " after " << r.iterations << " iterations");
        CHECK(r.converged);
        CHECK(r.reason == StopReason::GradientTolerance);
        // |x - x*| <= |H^-1| |g| <= 1e-9 / 1.95
        CHECK(r.x[0] == Approx(kX).margin(1e-9));
        CHECK(r.x[1] == Approx(kY).margin(1e-9));
        CHECK(r.evaluations == r.iterations + 1);
    }
}

TEST_CASE("AdamW reaches the minimizer where the weight decay pulls too", "[train][minimize]") {
    // Decoupled decay shrinks the weights towards 0 at every step, so AdamW's fixed point is
    // the minimizer only when that is 0: here f = (x + y)^2 + x^2 + 5y^2.
    const Objective f = [](std::span<const double> p, std::span<double> g) {
        const double x = p[0], y = p[1];
        g[0] = 2 * (x + y) + 2 * x;
        g[1] = 2 * (x + y) + 10 * y;
        return (x + y) * (x + y) + x * x + 5 * y * y;
    };
    MinimizeOptions options;
    options.method = Method::AdamW;
    options.learning_rate = 0.1;
    options.max_iterations = 5000;
    const std::vector<double> x0{2.0, -1.0};
    const MinimizeResult r = minimize(f, x0, options);
    INFO(r.message);
    CHECK(r.converged);
    CHECK(r.x[0] == Approx(0.0).margin(1e-8));
    CHECK(r.x[1] == Approx(0.0).margin(1e-8));
}

TEST_CASE("AdamW without weight decay is Adam", "[train][minimize]") {
    AdamW adamw(AdamWOptions{.lr = 0.05, .weight_decay = 0.0});
    Adam adam(AdamOptions{.lr = 0.05});
    const std::vector<double> x0{0.0, 0.0};
    MinimizeOptions options;
    options.max_iterations = 200;
    const MinimizeResult a = minimize(quadratic, x0, adamw, options), b = minimize(quadratic, x0, adam, options);
    CHECK(a.x == b.x);
    CHECK(a.iterations == b.iterations);
}

TEST_CASE("a learning rate too large is caught, keeping the last good point", "[train][minimize][divergence]") {
    // Gradient descent with lr 1 on x^2 + 2y^2: y <- y - 4y = -3y, so f grows ninefold a step.
    const Objective f = [](std::span<const double> p, std::span<double> g) {
        g[0] = 2 * p[0];
        g[1] = 4 * p[1];
        return p[0] * p[0] + 2 * p[1] * p[1];
    };
    MinimizeOptions options;
    options.method = Method::GradientDescent;
    options.learning_rate = 1.0;
    const std::vector<double> x0{1.0, 1.0};
    const MinimizeResult r = minimize(f, x0, options);
    CHECK_FALSE(r.converged);
    CHECK(r.reason == StopReason::Diverged);
    CHECK_THAT(r.message, Catch::Contains("the value grew from 3 to") && Catch::Contains("try a smaller one") &&
                              Catch::Contains("learning rate 1 is too large"));
    // 3 * 9^k passes 3 + 3e10 first at k = 11: the point after 10 steps is the last good one.
    CHECK(r.iterations == 10);
    CHECK(r.evaluations == 12);
    CHECK(r.x[0] == 1.0);
    CHECK(r.x[1] == std::pow(-3.0, 10));
    CHECK(std::isfinite(r.value));
    CHECK(r.value == 1 + 2 * std::pow(3.0, 20));
}

TEST_CASE("NaN on the way stops the run at the last good point", "[train][minimize][divergence]") {
    // sqrt(4 - x^2) + x^2 / 2 is NaN past |x| = 2; Adam's first step of lr 3 jumps there.
    const Objective f = [](std::span<const double> p, std::span<double> g) {
        const double x = p[0], r = std::sqrt(4 - x * x);
        g[0] = -x / r + x;
        return r + x * x / 2;
    };
    MinimizeOptions options;
    options.method = Method::Adam;
    options.learning_rate = 3.0;
    const std::vector<double> x0{0.5};
    const MinimizeResult r = minimize(f, x0, options);
    CHECK(r.reason == StopReason::Diverged);
    CHECK_THAT(r.message, Catch::StartsWith("the value became nan at iteration 1") &&
                              Catch::Contains("the learning rate 3 is too large"));
    CHECK(r.x[0] == 0.5);
    CHECK(r.iterations == 0);
    CHECK(std::isfinite(r.value));
}

TEST_CASE("a function without a minimum stops as unbounded", "[train][minimize][divergence]") {
    const Objective f = [](std::span<const double> p, std::span<double> g) {
        g[0] = 1.0;
        return p[0];
    };
    const std::vector<double> x0{0.0};
    for (const Method method : {Method::Lbfgs, Method::GradientDescent}) {
        MinimizeOptions options;
        options.method = method;
        options.learning_rate = method == Method::Lbfgs ? 1.0 : 1e9;
        const MinimizeResult r = minimize(f, x0, options);
        INFO(r.message);
        CHECK(r.reason == StopReason::Unbounded);
        CHECK_THAT(r.message, Catch::StartsWith("the value fell from 0 to") &&
                                  Catch::Contains("the function seems to have no minimum"));
        CHECK(std::isfinite(r.value));
    }
}

TEST_CASE("a starting point where f is undefined is refused", "[train][minimize]") {
    const Objective f = [](std::span<const double> p, std::span<double> g) {
        g[0] = 0.5 / std::sqrt(p[0]);
        return std::sqrt(p[0]);
    };
    for (const Method method : {Method::Lbfgs, Method::Adam}) {
        MinimizeOptions options;
        options.method = method;
        const std::vector<double> negative{-1.0}, zero{0.0};
        const MinimizeResult r = minimize(f, negative, options);
        CHECK(r.reason == StopReason::BadStart);
        CHECK(r.message ==
              "the value at the starting point is nan: start where the function and its derivatives "
              "are defined");
        CHECK(r.evaluations == 1);
        CHECK(minimize(f, zero, options).message ==
              "the gradient at the starting point is inf: start where the function and its derivatives are defined");
    }
}

TEST_CASE("the iteration limit stops a run without convergence", "[train][minimize]") {
    MinimizeOptions options;
    options.method = Method::GradientDescent;  // lr 1e-3: far too slow for 10 steps
    options.max_iterations = 10;
    const std::vector<double> x0{0.0, 0.0};
    const MinimizeResult r = minimize(quadratic, x0, options);
    CHECK_FALSE(r.converged);
    CHECK(r.reason == StopReason::MaxIterations);
    CHECK(r.iterations == 10);
    CHECK_THAT(r.message, Catch::StartsWith("reached the limit of 10 iterations with a partial derivative still at"));
    std::vector<double> g(2);
    CHECK(r.value == quadratic(r.x, g));
    CHECK(r.gradient == g);
}

TEST_CASE("a value that stops changing ends the run as converged", "[train][minimize]") {
    // |x|^3 / 3 + 5: gradient descent crawls towards 0 (x_k about 2 / k) and the value towards 5.
    const Objective f = [](std::span<const double> p, std::span<double> g) {
        g[0] = p[0] * std::fabs(p[0]);
        return std::fabs(p[0] * p[0] * p[0]) / 3 + 5;
    };
    MinimizeOptions options;
    options.method = Method::GradientDescent;
    options.learning_rate = 0.5;
    options.gradient_tolerance = 1e-12;
    options.value_tolerance = 1e-12;
    options.max_iterations = 100000;
    const std::vector<double> x0{1.0};
    const MinimizeResult r = minimize(f, x0, options);
    CHECK(r.converged);
    CHECK(r.reason == StopReason::ValueTolerance);
    // A relative change of 1e-12 a step comes long before the value reaches 5 to the last bit.
    CHECK(r.value == Approx(5.0).epsilon(1e-8));
    CHECK(r.value > 5.0);
    options.value_tolerance = 0.0;  // off: the iteration limit ends it instead
    CHECK(minimize(f, x0, options).reason == StopReason::MaxIterations);
}

TEST_CASE("a gradient already within tolerance takes no step", "[train][minimize]") {
    const std::vector<double> at_min{kX, kY};
    const MinimizeResult r = minimize(quadratic, at_min, MinimizeOptions{.gradient_tolerance = 1e-6});
    CHECK(r.converged);
    CHECK(r.iterations == 0);
    CHECK(r.evaluations == 1);
    CHECK(r.message == "every partial derivative is within 1e-06 of 0");
}

TEST_CASE("minimize() with the caller's optimizer continues its state", "[train][minimize]") {
    Sgd sgd(SgdOptions{.lr = 0.05, .momentum = 0.5});
    const std::vector<double> x0{0.0, 0.0};
    MinimizeOptions options;
    options.max_iterations = 5;
    const MinimizeResult first = minimize(quadratic, x0, sgd, options);
    CHECK(sgd.steps() == 5);
    const MinimizeResult second = minimize(quadratic, first.x, sgd, options);
    CHECK(sgd.steps() == 10);
    // Ten steps in one run are the same ten steps.
    Sgd fresh(SgdOptions{.lr = 0.05, .momentum = 0.5});
    options.max_iterations = 10;
    CHECK(minimize(quadratic, x0, fresh, options).x == second.x);
}

TEST_CASE("minimize() refuses options it cannot use", "[train][minimize][errors]") {
    const std::vector<double> x0{0.0, 0.0};
    CHECK_THROWS_WITH(minimize(quadratic, x0, MinimizeOptions{.learning_rate = 0.0}),
                      "the learning rate must be a positive number, as in 0.01");
    CHECK_THROWS_AS(minimize(quadratic, x0, MinimizeOptions{.method = Method::Adam, .learning_rate = -1.0}), Error);
    CHECK_THROWS_AS(minimize(quadratic, x0, MinimizeOptions{.gradient_tolerance = NAN}), Error);
    CHECK_THROWS_AS(minimize(quadratic, x0, MinimizeOptions{.history = 0}), Error);
}
