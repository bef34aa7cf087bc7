// The logistic loss's Hessian XᵀDX for tensor_hessian_bench, by hand, as a symmetric
// rank-N update (BLAS's dsyrk) is written: only the blocks on or above the diagonal,
// then mirrored, half the multiplications of the full product gradc computes. Both
// operands are packed once per call into column strips (left = X·d in strips of 8
// columns, right = X in strips of 16), so a register block streams two contiguous
// arrays and the right strip (N·16 doubles) stays in L2 across the row blocks.
#include <cmath>

#include "handwritten/product_block.hpp"
#include "handwritten/tensor_programs.hpp"
#include "handwritten/vec8.hpp"

namespace gradc::bench::handwritten {

void LogisticHessian::operator()(const double* X, std::size_t rows, std::size_t cols, const double* w, double* H) {
    // cols a multiple of 8 (the benchmark's 1000): each strip of the right is 16 or 8 wide.
    d_.resize(rows);
    left_.resize(rows * cols);
    right_.resize(rows * cols);

    // d = s (1 - s), s = sigmoid(X w), the sum over i with lane p as partial p.
    for (std::size_t n = 0; n < rows; ++n) {
        const double* x = X + n * cols;
        Vec8 acc = kMinusZero8;
        for (std::size_t i = 0; i < cols; i += 8) acc += load8(x + i) * load8(w + i);
        double s[8];
        store8(s, acc);
        const double sigmoid = 1 / (1 + std::exp(-combine_partials(s)));
        d_[n] = sigmoid * (1 - sigmoid);
    }

    // left strip b: [rows][8] of X[n, 8b..8b+8)·d[n]; right strip c: [rows][width] of X.
    for (std::size_t b = 0; b < cols / 8; ++b)
        for (std::size_t n = 0; n < rows; ++n) store8(&left_[(b * rows + n) * 8], load8(X + n * cols + 8 * b) * d_[n]);
    for (std::size_t c = 0; c < cols; c += kBlockCols) {
        const std::size_t width = cols - c < kBlockCols ? cols - c : kBlockCols;
        for (std::size_t n = 0; n < rows; ++n)
            for (std::size_t k = 0; k < width; ++k) right_[c * rows + n * width + k] = X[n * cols + c + k];
    }

    // H[i, j] = Σ_n left[n, i] X[n, j] for the blocks reaching j >= i; in each, the
    // 8 rows i of a left strip, read transposed (A(r, n) = strip[n*8 + r]).
    for (std::size_t c = 0; c < cols; c += kBlockCols) {
        const std::size_t width = cols - c < kBlockCols ? cols - c : kBlockCols;
        const double* strip = &right_[c * rows];
        for (std::size_t i = 0; i < c + width; i += kBlockRows) {
            const double* a = &left_[i * rows];
            if (width == kBlockCols)
                product_block<kBlockRows, 2>(a, 1, 8, strip, width, rows, H + i * cols + c, cols);
            else
                product_block<kBlockRows, 1>(a, 1, 8, strip, width, rows, H + i * cols + c, cols);
        }
    }
    for (std::size_t i = 0; i < cols; ++i)
        for (std::size_t j = i + 1; j < cols; ++j) H[j * cols + i] = H[i * cols + j];
}

}  // namespace gradc::bench::handwritten
