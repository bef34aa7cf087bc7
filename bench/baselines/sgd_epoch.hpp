// A hand-written training epoch for linear and logistic regression over column-major
// data: the baseline fit_epoch_bench measures gradc::fit() against. It does what one
// epoch of fit() does with Method::GradientDescent (fit.hpp): steps θ ← θ − γ·(mean
// gradient of the batch) over the batches, then the mean loss and gradient over every
// row at the new parameters (the epoch's loss). The loops are compiled with -O3
// -march=native, the per-row losses once more with -ffast-math (as logistic_loop.hpp's).
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace gradc::bench {

// The sum over rows of a loss of p = b + sum_i w[i]*x[i][row] and y[row]; grad[i] = the
// sum of its derivatives by w[i], grad[features] = by b.
using LossSum = double (*)(const double* w, double b, const double* const* x, const double* y, std::size_t features,
                           std::size_t rows, double* grad);

// (p - y)^2, fit's mse.
double squared_loss_ieee(const double* w, double b, const double* const* x, const double* y, std::size_t features,
                         std::size_t rows, double* grad);
double squared_loss_fast_math(const double* w, double b, const double* const* x, const double* y, std::size_t features,
                              std::size_t rows, double* grad);

class SgdEpoch {
public:
    // x[i] and y hold `rows` values each and must outlive the object.
    SgdEpoch(LossSum loss, std::vector<const double*> x, const double* y, std::size_t rows, double lr);

    // One epoch from `theta` (w, then b), updated in place: the rows in `order` (empty:
    // file order, read where they lie) in batches of `batch` rows (0: all), the last one
    // partial. Returns the mean loss over every row at the new parameters.
    double run(std::span<const std::size_t> order, std::size_t batch, std::span<double> theta);

private:
    // One step on the mean gradient over `rows` rows of the columns `x`, `y`.
    void step(const double* const* x, const double* y, std::size_t rows, std::span<double> theta);

    LossSum loss_;
    std::vector<const double*> x_;
    const double* y_;
    std::size_t rows_;
    double lr_;
    std::vector<std::vector<double>> gathered_;  // one shuffled batch per column: x, then y
    std::vector<const double*> batch_x_;
    std::vector<double> grad_;
};

}  // namespace gradc::bench
