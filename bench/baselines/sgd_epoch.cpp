#include "sgd_epoch.hpp"

#include <algorithm>
#include <utility>

namespace gradc::bench {

SgdEpoch::SgdEpoch(LossSum loss, std::vector<const double*> x, const double* y, std::size_t rows, double lr)
    : loss_(loss),
      x_(std::move(x)),
      y_(y),
      rows_(rows),
      lr_(lr),
      gathered_(x_.size() + 1),
      batch_x_(x_.size()),
      grad_(x_.size() + 1) {}

void SgdEpoch::step(const double* const* x, const double* y, std::size_t rows, std::span<double> theta) {
    const std::size_t features = x_.size();
    loss_(theta.data(), theta[features], x, y, features, rows, grad_.data());
    const double n = static_cast<double>(rows);
    for (std::size_t i = 0; i < theta.size(); ++i) theta[i] -= lr_ * (grad_[i] / n);
}

double SgdEpoch::run(std::span<const std::size_t> order, std::size_t batch, std::span<double> theta) {
    const std::size_t size = batch == 0 ? rows_ : std::min(batch, rows_);
    for (std::size_t start = 0; start < rows_; start += size) {
        const std::size_t n = std::min(size, rows_ - start);
        if (order.empty()) {
            for (std::size_t i = 0; i < x_.size(); ++i) batch_x_[i] = x_[i] + start;
            step(batch_x_.data(), y_ + start, n, theta);
            continue;
        }
        // A shuffled batch is copied into contiguous columns first, so that the loss
        // loops still vectorize.
        const std::span<const std::size_t> rows = order.subspan(start, n);
        for (std::size_t j = 0; j <= x_.size(); ++j) {
            const double* source = j < x_.size() ? x_[j] : y_;
            std::vector<double>& column = gathered_[j];
            column.resize(n);
            for (std::size_t r = 0; r < n; ++r) column[r] = source[rows[r]];
            if (j < x_.size()) batch_x_[j] = column.data();
        }
        step(batch_x_.data(), gathered_.back().data(), n, theta);
    }
    const std::size_t features = x_.size();
    return loss_(theta.data(), theta[features], x_.data(), y_, features, rows_, grad_.data()) /
           static_cast<double>(rows_);
}

}  // namespace gradc::bench
