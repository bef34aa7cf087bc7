// What a caller sees of a run while it goes and what it can bring to it:
// MinimizeOptions::on_iteration after every step, FitOptions::on_epoch with L-BFGS
// too, and FitOptions::optimizer and lbfgs_history in place of the defaults.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/fit.hpp"
#include "gradc/optimize.hpp"

using namespace gradc;

namespace {

// f = (x - 1)² + 10(y + 2)², minimized at (1, -2).
double bowl(std::span<const double> p, std::span<double> g) {
    g[0] = 2 * (p[0] - 1);
    g[1] = 20 * (p[1] + 2);
    return (p[0] - 1) * (p[0] - 1) + 10 * (p[1] + 2) * (p[1] + 2);
}

struct Seen {
    std::vector<std::size_t> iterations, evaluations;
    std::vector<double> values;
};

MinimizeResult watched(MinimizeOptions options, Seen& seen) {
    options.on_iteration = [&seen](const MinimizeResult& progress) {
        seen.iterations.push_back(progress.iterations);
        seen.evaluations.push_back(progress.evaluations);
        std::vector<double> g(2);
        // The point reported is the one whose value is reported.
        CHECK(bowl(progress.x, g) == progress.value);
        seen.values.push_back(progress.value);
    };
    const std::vector<double> x0{0.0, 0.0};
    return minimize(bowl, x0, options);
}

// y = 2x - 1 at x = -1..4 with a little noise.
Dataset noisy_line() {
    Dataset d;
    d.names = {"x", "y"};
    d.columns = {{-1, 0, 1, 2, 3, 4}, {-3.1, -0.9, 1.2, 2.8, 5.1, 6.9}};
    return d;
}

}  // namespace

TEST_CASE("on_iteration reports every step of a first-order run and of L-BFGS", "[train][minimize]") {
    for (const Method method : {Method::GradientDescent, Method::Adam, Method::Lbfgs}) {
        INFO(static_cast<int>(method));
        MinimizeOptions options;
        options.method = method;
        options.learning_rate = method == Method::Lbfgs ? 1.0 : 0.04;
        options.max_iterations = 50;
        Seen seen;
        const MinimizeResult result = watched(options, seen);
        REQUIRE(seen.iterations.size() == result.iterations);
        for (std::size_t k = 0; k < seen.iterations.size(); ++k) CHECK(seen.iterations[k] == k + 1);
        CHECK(seen.values.back() == result.value);
        CHECK(seen.evaluations.back() == result.evaluations);
    }
}

TEST_CASE("on_iteration reaches a caller's optimizer's run too", "[train][minimize]") {
    Sgd sgd(SgdOptions{.lr = 0.04});
    Seen seen;
    MinimizeOptions options;
    options.max_iterations = 7;
    options.on_iteration = [&seen](const MinimizeResult& progress) { seen.iterations.push_back(progress.iterations); };
    const std::vector<double> x0{0.0, 0.0};
    const MinimizeResult result = minimize(bowl, x0, sgd, options);
    CHECK(result.iterations == 7);
    CHECK(seen.iterations == std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7});
}

TEST_CASE("fit with L-BFGS calls on_epoch after every iteration", "[train][fit]") {
    FitOptions options;
    options.target = "y";
    options.validation = 0.34;
    std::vector<EpochLoss> seen;
    options.on_epoch = [&seen](std::size_t epoch, const EpochLoss& loss) {
        CHECK(epoch == seen.size() + 1);
        seen.push_back(loss);
    };
    const FitResult result = fit("w*x + b", noisy_line(), options);
    CHECK(seen.size() == result.epochs);
    REQUIRE_FALSE(seen.empty());
    CHECK(seen.back().loss == result.loss);
    CHECK(seen.back().val_loss == result.val_loss);
    // The history keeps the last loss only, as before.
    CHECK(result.history.size() == 1);
}

TEST_CASE("fit runs a caller's optimizer, reset, with its own settings", "[train][fit]") {
    FitOptions options;
    options.target = "y";
    options.method = Method::Momentum;
    options.epochs = 20;
    Sgd half(SgdOptions{.lr = 0.01, .momentum = 0.5});
    half.set_schedule(Schedule::exponential(0.9));
    options.optimizer = &half;
    const FitResult first = fit("w*x + b", noisy_line(), options);
    // Reset before the run: the same optimizer gives the same fit again.
    const FitResult again = fit("w*x + b", noisy_line(), options);
    CHECK(again.params == first.params);
    CHECK(half.steps() == 20);
    // Not the fit of make_optimizer's defaults (momentum 0.9, constant rate).
    options.optimizer = nullptr;
    options.learning_rate = 0.01;
    const FitResult defaults = fit("w*x + b", noisy_line(), options);
    CHECK(defaults.params != first.params);
    // An optimizer goes with a first-order method only.
    options.optimizer = &half;
    options.method = Method::Lbfgs;
    CHECK_THROWS_AS(fit("w*x + b", noisy_line(), options), Error);
}

TEST_CASE("fit passes lbfgs_history to L-BFGS", "[train][fit]") {
    FitOptions options;
    options.target = "y";
    options.lbfgs_history = 0;  // minimize() refuses a history without pairs
    CHECK_THROWS_WITH(fit("w*x + b", noisy_line(), options), "L-BFGS needs a history of at least 1 pair, as in 10");
    options.lbfgs_history = 1;
    const FitResult result = fit("w*x + b", noisy_line(), options);
    CHECK(result.stop == FitStop::Tolerance);
}
