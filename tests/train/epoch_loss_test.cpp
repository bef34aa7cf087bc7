// The loss an epoch reports, against the arithmetic done by hand on a one-parameter
// model: mini-batches give the mean of their batches' losses (each taken before its
// step), exact_epoch_loss and the full batch the loss at the epoch's end, and a run's
// final loss is always the loss at the parameters it returns.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "gradc/fit.hpp"

using namespace gradc;

namespace {

// y = 2x at x = 1..5: the model w*x with mse, from w = 0.
const std::vector<double> kX = {1, 2, 3, 4, 5};

Dataset line() {
    Dataset d;
    d.names = {"x", "y"};
    d.columns = {kX, {}};
    for (double x : kX) d.columns[1].push_back(2 * x);
    return d;
}

// Mean of (w x - y)^2 over rows [begin, end) and its derivative by w.
double batch_loss(double w, std::size_t begin, std::size_t end, double& grad) {
    double loss = 0, g = 0;
    for (std::size_t r = begin; r < end; ++r) {
        const double e = w * kX[r] - 2 * kX[r];
        loss += e * e;
        g += 2 * e * kX[r];
    }
    const double n = static_cast<double>(end - begin);
    grad = g / n;
    return loss / n;
}

FitOptions gd(std::size_t batch_size, std::size_t epochs) {
    FitOptions o;
    o.target = "y";
    o.method = Method::GradientDescent;
    o.learning_rate = 0.01;
    o.batch_size = batch_size;
    o.epochs = epochs;
    o.shuffle = false;
    return o;
}

}  // namespace

TEST_CASE("a mini-batch epoch reports the mean of its batches' losses", "[train][fit]") {
    // Batches {1,2}, {3,4}, {5}: the losses weighted by their sizes.
    const FitResult r = fit("w*x", line(), gd(2, 3));
    REQUIRE(r.history.size() == 3);
    double w = 0, g = 0;
    for (std::size_t epoch = 0; epoch < 3; ++epoch) {
        double weighted = 0;
        for (std::size_t begin = 0; begin < 5; begin += 2) {
            const std::size_t end = std::min<std::size_t>(begin + 2, 5);
            weighted += batch_loss(w, begin, end, g) * static_cast<double>(end - begin);
            w -= 0.01 * g;
        }
        CHECK(r.history[epoch].loss == Approx(weighted / 5).epsilon(1e-14));
    }
    CHECK(r.param("w") == Approx(w).epsilon(1e-14));
    // The run's loss is at the final w, not the last epoch's mean.
    CHECK(r.loss == Approx(batch_loss(w, 0, 5, g)).epsilon(1e-14));
    CHECK(r.loss < r.history.back().loss);
}

TEST_CASE("exact_epoch_loss and the full batch report the loss at the epoch's end", "[train][fit]") {
    FitOptions exact = gd(2, 3);
    exact.exact_epoch_loss = true;
    const FitResult mini = fit("w*x", line(), exact);
    const FitResult full = fit("w*x", line(), gd(0, 3));
    double w_mini = 0, w_full = 0, g = 0;
    for (std::size_t epoch = 0; epoch < 3; ++epoch) {
        for (std::size_t begin = 0; begin < 5; begin += 2) {
            batch_loss(w_mini, begin, std::min<std::size_t>(begin + 2, 5), g);
            w_mini -= 0.01 * g;
        }
        batch_loss(w_full, 0, 5, g);
        w_full -= 0.01 * g;
        CHECK(mini.history[epoch].loss == Approx(batch_loss(w_mini, 0, 5, g)).epsilon(1e-14));
        CHECK(full.history[epoch].loss == Approx(batch_loss(w_full, 0, 5, g)).epsilon(1e-14));
    }
    CHECK(mini.loss == mini.history.back().loss);
    CHECK(full.loss == full.history.back().loss);
    CHECK(full.param("w") == Approx(w_full).epsilon(1e-14));
}
