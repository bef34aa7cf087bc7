// The epochs of a fit: first-order optimizers step by step over batches, L-BFGS over
// the full batch through minimize().
#pragma once

#include <span>
#include <vector>

#include "fit_objective.hpp"
#include "gradc/fit.hpp"

namespace gradc::train {

// Throws gradc::Error for options no fit can use (a negative penalty, L-BFGS with a batch size).
void check_fit_options(const FitOptions& options);

// Runs the epochs from result.params, filling in the rest of `result`. `validation`
// is null when no rows were held out.
void run_first_order(FitResult& result, FitObjective& training, FitObjective* validation, const FitOptions& options);
void run_lbfgs(FitResult& result, FitObjective& training, FitObjective* validation, const FitOptions& options);

// The objectives over the split's training and validation rows (the penalties on the
// training side only), then run_first_order or run_lbfgs as options.method says.
void run_fit(FitResult& result, const BatchKernel& kernel, const Split& split, const std::vector<std::size_t>& columns,
             const FitOptions& options);

}  // namespace gradc::train
