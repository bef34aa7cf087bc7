// Chained Rosenbrock value and gradient for tensor_rosenbrock_bench, by hand: with
// a_i = x[i+1] - x[i]^2 and b_i = 1 - x[i],
//   df/dx[i] = -400 x[i] a_i - 2 b_i   (the term i)   + 200 a_{i-1}   (the term i-1).
// Two passes a compiler vectorizes: the sum in 8 partials (8 doubles, one AVX-512
// vector), then the gradient elementwise, a_{i-1} recomputed rather than carried.
#include "handwritten/tensor_programs.hpp"

namespace gradc::bench::handwritten {

double rosenbrock_value_gradient(const double* x, std::size_t n, double* g) {
    if (n < 2) {
        if (n == 1) g[0] = 0;
        return 0;
    }
    const std::size_t terms = n - 1;
    double s[8] = {-0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0};
    std::size_t i = 0;
    for (; i + 8 <= terms; i += 8)
        for (std::size_t p = 0; p < 8; ++p) {
            const double a = x[i + p + 1] - x[i + p] * x[i + p], b = 1 - x[i + p];
            s[p] += 100 * (a * a) + b * b;
        }
    for (; i < terms; ++i) {
        const double a = x[i + 1] - x[i] * x[i], b = 1 - x[i];
        s[i % 8] += 100 * (a * a) + b * b;
    }

    g[0] = -400 * x[0] * (x[1] - x[0] * x[0]) - 2 * (1 - x[0]);
    for (std::size_t k = 1; k < terms; ++k) {
        const double a = x[k + 1] - x[k] * x[k], previous = x[k] - x[k - 1] * x[k - 1];
        g[k] = (-400 * x[k] * a - 2 * (1 - x[k])) + 200 * previous;
    }
    g[terms] = 200 * (x[terms] - x[terms - 1] * x[terms - 1]);
    return combine_partials(s);
}

}  // namespace gradc::bench::handwritten
