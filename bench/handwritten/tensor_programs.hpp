// Hand-written C++ for the tensor programs the tensor_*_bench benchmarks compile: the
// loops a performance-minded programmer writes, compiled as a user compiles them for
// speed (-O3 -march=native, see bench/CMakeLists.txt) but IEEE: no -ffast-math, and
// -ffp-contract=off since gradc's kernels use no FMA. Every sum follows the order
// tensor.hpp documents (term t into partial t mod 8, each from -0.0, combined as
// ((s0+s1)+(s2+s3))+((s4+s5)+(s6+s7))), so the baselines do the arithmetic gradc does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace gradc::bench::handwritten {

// The fixed tree that combines the 8 partial sums.
inline double combine_partials(const double* s) {
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

// Chained Rosenbrock f = Σ_{i<n-1} 100 (x[i+1] - x[i]^2)^2 + (1 - x[i])^2 and its
// gradient g (n values). Returns f.
double rosenbrock_value_gradient(const double* x, std::size_t n, double* g);

// The 784-128-10 network: h = relu(X W1 + b1), z = h W2 + b2, loss = Σ_n
// logsumexp(z[n,:]) - z[n, y[n]], and its gradient by W1, b1, W2, b2 (row-major, as
// the parameters). Scratch is kept between calls.
struct MlpShape {
    static constexpr std::size_t kInputs = 784, kHidden = 128, kClasses = 10;
};

class MlpStep {
public:
    // Loss and gradient over the `rows` rows of X [rows, 784] with labels y [rows].
    double operator()(const double* X, const std::int64_t* y, std::size_t rows, const double* W1, const double* b1,
                      const double* W2, const double* b2, double* dW1, double* db1, double* dW2, double* db2);

private:
    std::vector<double> pre_, h_, dz_, dh_;
};

// The Hessian of Σ_n softplus(z[n]) - y[n] z[n], z = X w, by w: H = Xᵀ D X with
// D = diag(s (1 - s)), s = sigmoid(z), for X [rows, cols] row-major; H is [cols, cols].
// Only the upper triangle is computed and mirrored. Scratch is kept between calls.
class LogisticHessian {
public:
    void operator()(const double* X, std::size_t rows, std::size_t cols, const double* w, double* H);

private:
    std::vector<double> d_, left_, right_;
};

}  // namespace gradc::bench::handwritten
