#include "fit_loop.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "support/short_number.hpp"

namespace gradc::train {
namespace {

using support::short_number;

double validation_loss(FitObjective* validation, std::span<const double> params, std::vector<double>& scratch) {
    return validation ? validation->all_rows(params, scratch) : std::nan("");
}

bool finite(std::span<const double> v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

// A loss that ends the run: NaN, infinite, or risen above `limit`.
bool exploded(double loss, std::span<const double> grad, double limit) {
    return !std::isfinite(loss) || loss > limit || !finite(grad);
}

}  // namespace

void run_first_order(FitResult& result, FitObjective& training, FitObjective* validation, const FitOptions& options) {
    std::unique_ptr<Optimizer> own;
    Optimizer* const optimizer =
        options.optimizer ? options.optimizer : (own = make_optimizer(options.method, options.learning_rate)).get();
    optimizer->reset();
    std::vector<double>& params = result.params;
    const std::size_t n = params.size();
    std::vector<double> grad(n), scratch(n);

    const double loss0 = training.all_rows(params, grad);
    result.loss = loss0;
    result.val_loss = validation_loss(validation, params, scratch);
    if (!std::isfinite(loss0) || !finite(grad)) {
        result.stop = FitStop::Diverged;
        result.message = "the training loss at the starting parameters is " + short_number(loss0) +
                         (std::isfinite(loss0) ? " with a gradient that is not finite" : "") +
                         ": start where the model and loss are defined";
        return;
    }
    const double limit = loss0 + options.divergence_ratio * std::max(1.0, std::fabs(loss0));
    const std::size_t rows = training.rows();
    const std::size_t batch_size = options.batch_size.value_or(0);
    const std::size_t batch = batch_size == 0 ? rows : std::min(batch_size, rows);
    const bool full_batch = batch == rows;
    // An epoch of mini-batches reports the mean of its batches' losses, as Keras does,
    // unless asked for the loss at its end (one more pass over the rows). A full-batch
    // epoch's own evaluation gives the exact loss at its end and the next step's gradient.
    const bool running_mean = !full_batch && !options.exact_epoch_loss;
    // The loss at the parameters returned: exact, whatever the epochs reported.
    const auto finish = [&] {
        if (running_mean) result.loss = training.all_rows(params, grad);
    };

    std::vector<double> good = params;  // the parameters of the last epoch that ended well
    std::vector<double> best = params;
    double best_val = INFINITY;
    std::size_t since_best = 0, best_epoch = 0;

    for (std::size_t epoch = 1; epoch <= options.epochs; ++epoch) {
        const double lr = optimizer->current_learning_rate();
        std::optional<double> bad;
        double loss = 0.0;
        if (full_batch) {
            // grad is the gradient at params, from the last evaluation. The full batch reads
            // the data where it lies: order does not change a mean.
            optimizer->step(params, grad);
            loss = training.all_rows(params, grad);
        } else {
            const std::vector<std::size_t> order = epoch_order(rows, options.shuffle, options.seed + epoch);
            double weighted = 0.0;  // the batches' losses times their sizes
            for (std::size_t start = 0; start < rows && !bad; start += batch) {
                const std::size_t end = std::min(start + batch, rows);
                const double batch_loss = training.batch(params, std::span(order).subspan(start, end - start), grad);
                if (exploded(batch_loss, grad, limit)) {
                    bad = batch_loss;
                } else {
                    weighted += batch_loss * static_cast<double>(end - start);
                    optimizer->step(params, grad);
                }
            }
            loss = bad ? *bad : running_mean ? weighted / static_cast<double>(rows) : training.all_rows(params, grad);
        }
        if (bad || exploded(loss, grad, limit)) {
            params = good;
            result.stop = FitStop::Diverged;
            result.message = "the training loss " +
                             (std::isfinite(loss) ? "grew from " + short_number(loss0) + " to " + short_number(loss)
                                                  : "became " + short_number(loss)) +
                             " in epoch " + std::to_string(epoch) + "; the learning rate " + short_number(lr) +
                             " is too large: try a smaller one";
            finish();
            return;
        }
        good = params;
        result.epochs = epoch;
        const double before = result.loss;
        result.loss = loss;
        result.val_loss = validation_loss(validation, params, scratch);
        result.history.push_back({loss, result.val_loss});
        if (options.on_epoch) options.on_epoch(epoch, result.history.back());

        if (validation && options.patience > 0) {
            if (result.val_loss < best_val) {
                best_val = result.val_loss;
                best = params;
                best_epoch = epoch;
                since_best = 0;
            } else if (++since_best >= options.patience) {
                params = best;
                result.loss = result.history[best_epoch - 1].loss;
                finish();
                result.val_loss = best_val;
                result.stop = FitStop::EarlyStopping;
                result.message = "the validation loss did not improve for " + std::to_string(options.patience) +
                                 " epochs; kept the parameters of epoch " + std::to_string(best_epoch) +
                                 ", where it was lowest";
                return;
            }
        }
        if (options.tolerance &&
            std::fabs(before - loss) <= *options.tolerance * std::max(std::fabs(before), std::fabs(loss))) {
            result.stop = FitStop::Tolerance;
            result.message = "the training loss changed by at most " + short_number(*options.tolerance) +
                             " of itself in epoch " + std::to_string(epoch);
            finish();
            return;
        }
    }
    result.stop = FitStop::MaxEpochs;
    result.message = "ran all " + std::to_string(options.epochs) + " epochs";
    finish();
}

void run_lbfgs(FitResult& result, FitObjective& training, FitObjective* validation, const FitOptions& options) {
    MinimizeOptions settings;
    settings.method = Method::Lbfgs;
    settings.learning_rate = options.learning_rate;
    settings.max_iterations = options.epochs;
    settings.value_tolerance = options.tolerance;
    settings.gradient_tolerance = options.gradient_tolerance;
    settings.divergence_ratio = options.divergence_ratio;
    settings.history = options.lbfgs_history;
    std::vector<double> scratch(result.params.size());
    if (options.on_epoch)
        settings.on_iteration = [&](const MinimizeResult& progress) {
            options.on_epoch(progress.iterations, {progress.value, validation_loss(validation, progress.x, scratch)});
        };
    const Objective objective = [&training](std::span<const double> x, std::span<double> grad) {
        return training.all_rows(x, grad);
    };
    const MinimizeResult run = minimize(objective, result.params, settings);
    result.params = run.x;
    result.loss = run.value;
    result.val_loss = validation_loss(validation, result.params, scratch);
    result.epochs = run.iterations;
    result.history.push_back({result.loss, result.val_loss});
    result.message = run.message;
    switch (run.reason) {
        case StopReason::GradientTolerance:
        case StopReason::ValueTolerance: result.stop = FitStop::Tolerance; break;
        case StopReason::MaxIterations:
            result.stop = FitStop::MaxEpochs;
            result.message =
                "ran all " + std::to_string(options.epochs) + " epochs (L-BFGS iterations); " + run.message;
            break;
        case StopReason::Diverged:
        case StopReason::Unbounded:
        case StopReason::BadStart: result.stop = FitStop::Diverged; break;
        case StopReason::LineSearchFailed: result.stop = FitStop::Failed; break;
    }
}

void run_fit(FitResult& result, const BatchKernel& kernel, const Split& split, const std::vector<std::size_t>& columns,
             const FitOptions& options) {
    FitObjective training(kernel, split.train, columns, options.l1, options.l2, options.pool);
    std::optional<FitObjective> validation;
    if (split.validation.rows() > 0) validation.emplace(kernel, split.validation, columns, 0.0, 0.0, options.pool);
    FitObjective* held_out = validation ? &*validation : nullptr;
    if (options.method == Method::Lbfgs)
        run_lbfgs(result, training, held_out, options);
    else
        run_first_order(result, training, held_out, options);
}

}  // namespace gradc::train
