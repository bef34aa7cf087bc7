// The 784-128-10 network's loss and gradient for tensor_mlp_kernel_bench, by hand:
// a cache-blocked, register-blocked loop nest for the two large products (X W1 and
// Xᵀ dh), short vector loops for the rest. Every sum is split into the 8 partials of
// the documented order, so the arithmetic is the one gradc's kernels do:
//   forward   pre = X W1 + b1, h = relu(pre), z = h W2 + b2,
//             loss = Σ_n logsumexp(z[n,:]) - z[n, y[n]]
//   backward  dz = softmax(z) - onehot(y), dW2 = hᵀ dz, db2 = Σ_n dz,
//             dh = (dz W2ᵀ) · [pre > 0], dW1 = Xᵀ dh, db1 = Σ_n dh
#include <cmath>

#include "handwritten/product_block.hpp"
#include "handwritten/tensor_programs.hpp"
#include "handwritten/vec8.hpp"

namespace gradc::bench::handwritten {
namespace {

constexpr std::size_t kIn = MlpShape::kInputs, kHidden = MlpShape::kHidden, kOut = MlpShape::kClasses;

// out[j] = Σ_n M[n, j], partial n mod 8 per column; the inner loop runs along a row.
void column_sums(const double* M, std::size_t rows, std::size_t cols, double* out) {
    double part[8][kHidden];
    for (auto& row : part)
        for (std::size_t j = 0; j < cols; ++j) row[j] = -0.0;
    for (std::size_t n = 0; n < rows; ++n)
        for (std::size_t j = 0; j < cols; ++j) part[n % 8][j] += M[n * cols + j];
    for (std::size_t j = 0; j < cols; ++j) {
        const double s[8] = {part[0][j], part[1][j], part[2][j], part[3][j],
                             part[4][j], part[5][j], part[6][j], part[7][j]};
        out[j] = combine_partials(s);
    }
}

double lanes_combined(Vec8 v) {
    double s[8];
    store8(s, v);
    return combine_partials(s);
}

// Σ_k t[k] over the 10 classes in the documented order: partial 0 is t0 + t8,
// partial 1 is t1 + t9, the others one term each.
double class_sum(const double* t) {
    const double s[8] = {t[0] + t[8], t[1] + t[9], t[2], t[3], t[4], t[5], t[6], t[7]};
    return combine_partials(s);
}

}  // namespace

double MlpStep::operator()(const double* X, const std::int64_t* y, std::size_t rows, const double* W1, const double* b1,
                           const double* W2, const double* b2, double* dW1, double* db1, double* dW2, double* db2) {
    static_assert(kHidden % kBlockCols == 0 && kOut == 10);
    pre_.resize(rows * kHidden);
    h_.resize(rows * kHidden);
    dh_.resize(rows * kHidden);
    dz_.resize(rows * kOut);
    double W2t[kOut][kHidden];  // W2ᵀ: the sums over j below read it along rows
    for (std::size_t j = 0; j < kHidden; ++j)
        for (std::size_t k = 0; k < kOut; ++k) W2t[k][j] = W2[j * kOut + k];

    // Hidden layer: pre = X W1 + b1, h = relu(pre).
    product(X, kIn, 1, W1, kHidden, rows, kHidden, kIn, pre_.data(), kHidden);
    for (std::size_t n = 0; n < rows; ++n)
        for (std::size_t j = 0; j < kHidden; ++j) {
            const double v = pre_[n * kHidden + j] + b1[j];
            pre_[n * kHidden + j] = v;
            h_[n * kHidden + j] = v > 0 ? v : 0.0;
        }

    // Logits, loss and dz = softmax - onehot, row by row. z[n,k] sums over j with lane
    // p of the accumulator as partial p (j ≡ p mod 8).
    double loss_part[8] = {-0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0};
    for (std::size_t n = 0; n < rows; ++n) {
        double z[kOut], e[kOut];
        for (std::size_t k = 0; k < kOut; ++k) {
            Vec8 acc = kMinusZero8;
            for (std::size_t j = 0; j < kHidden; j += 8) acc += load8(&h_[n * kHidden + j]) * load8(&W2t[k][j]);
            z[k] = lanes_combined(acc) + b2[k];
        }
        double m = z[0];
        for (std::size_t k = 1; k < kOut; ++k) m = z[k] > m ? z[k] : m;
        for (std::size_t k = 0; k < kOut; ++k) e[k] = std::exp(z[k] - m);
        const double total = class_sum(e);
        const std::size_t label = static_cast<std::size_t>(y[n]);
        loss_part[n % 8] += (m + std::log(total)) - z[label];
        const double inverse = 1 / total;
        for (std::size_t k = 0; k < kOut; ++k) dz_[n * kOut + k] = inverse * e[k] - (k == label ? 1.0 : 0.0);
    }

    // Output layer's gradient: db2 = Σ_n dz, dW2[j,k] = Σ_n h[n,j] dz[n,k], computed
    // as dW2ᵀ row by row with 16 vector accumulators along j.
    column_sums(dz_.data(), rows, kOut, db2);
    for (std::size_t k = 0; k < kOut; ++k) {
        Vec8 partial[8][kHidden / 8];
        for (std::size_t p = 0; p < 8; ++p) {
            Vec8 acc[kHidden / 8];
            for (Vec8& a : acc) a = kMinusZero8;
            for (std::size_t n = p; n < rows; n += 8)
                for (std::size_t v = 0; v < kHidden / 8; ++v)
                    acc[v] += dz_[n * kOut + k] * load8(&h_[n * kHidden + 8 * v]);
            for (std::size_t v = 0; v < kHidden / 8; ++v) partial[p][v] = acc[v];
        }
        for (std::size_t v = 0; v < kHidden / 8; ++v) {
            Vec8 s[8];
            for (std::size_t p = 0; p < 8; ++p) s[p] = partial[p][v];
            double column[8];
            store8(column, combine8(s));
            for (std::size_t l = 0; l < 8; ++l) dW2[(8 * v + l) * kOut + k] = column[l];
        }
    }

    // Back through the ReLU: dh[n,j] = Σ_k dz[n,k] W2[j,k], times [pre > 0].
    for (std::size_t n = 0; n < rows; ++n) {
        const double* g = &dz_[n * kOut];
        for (std::size_t j = 0; j < kHidden; j += 8) {
            Vec8 t[kOut];
            for (std::size_t k = 0; k < kOut; ++k) t[k] = g[k] * load8(&W2t[k][j]);
            const Vec8 s[8] = {t[0] + t[8], t[1] + t[9], t[2], t[3], t[4], t[5], t[6], t[7]};
            store8(&dh_[n * kHidden + j], combine8(s));
        }
        for (std::size_t j = 0; j < kHidden; ++j) dh_[n * kHidden + j] *= pre_[n * kHidden + j] > 0 ? 1.0 : 0.0;
    }

    // Hidden layer's gradient: db1 = Σ_n dh, dW1 = Xᵀ dh (X read down its columns).
    column_sums(dh_.data(), rows, kHidden, db1);
    product(X, 1, kIn, dh_.data(), kHidden, kIn, kHidden, rows, dW1, kHidden);
    return combine_partials(loss_part);
}

}  // namespace gradc::bench::handwritten
