// Hand-written logistic regression loss and gradient over column-major data: the
// baselines gradc's batch kernels are measured against. Compiled twice in bench/:
// with -O3 -march=native (IEEE, as gradc), and with -ffast-math added (GCC then calls
// libmvec's vector exp and log1p).
#pragma once

#include <cstddef>

namespace gradc::bench {

// Sum over rows of softplus(z) - y*z with z = b + sum_i w[i]*x[i][row] (binary cross-
// entropy on logits); grad[i] = sum of (sigmoid(z) - y)*x[i], grad[features] = by b.
double logistic_loss_ieee(const double* w, double b, const double* const* x, const double* y, std::size_t features,
                          std::size_t rows, double* grad);
double logistic_loss_fast_math(const double* w, double b, const double* const* x, const double* y, std::size_t features,
                               std::size_t rows, double* grad);

}  // namespace gradc::bench
