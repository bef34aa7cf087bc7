#include "fit_objective.hpp"

#include <cmath>
#include <utility>

namespace gradc::train {

FitObjective::FitObjective(BatchKernel kernel, const Dataset& data, std::vector<std::size_t> columns, double l1,
                           double l2, ThreadPool* pool)
    : kernel_(std::move(kernel)),
      data_(data),
      columns_(std::move(columns)),
      l1_(l1),
      l2_(l2),
      pool_(pool),
      all_(data.pointers(columns_)),
      buffers_(columns_.size()),
      gathered_(columns_.size()),
      out_(kernel_.output_count()) {}

double FitObjective::all_rows(std::span<const double> params, std::span<double> grad) {
    return mean(params, all_, data_.rows(), grad);
}

double FitObjective::batch(std::span<const double> params, std::span<const std::size_t> rows, std::span<double> grad) {
    for (std::size_t j = 0; j < columns_.size(); ++j) {
        const std::vector<double>& source = data_.columns[columns_[j]];
        std::vector<double>& buffer = buffers_[j];
        buffer.resize(rows.size());  // keeps its capacity: no allocation after the first batch
        for (std::size_t r = 0; r < rows.size(); ++r) buffer[r] = source[rows[r]];
        gathered_[j] = buffer.data();
    }
    return mean(params, gathered_, rows.size(), grad);
}

double FitObjective::mean(std::span<const double> params, std::span<const double* const> columns, std::size_t rows,
                          std::span<double> grad) {
    kernel_(params, columns, rows, out_, pool_);
    const double n = static_cast<double>(rows);
    double loss = out_[0] / n;
    if (l1_ == 0 && l2_ == 0) {  // no penalty: a loop the compiler vectorizes
        for (std::size_t i = 0; i < params.size(); ++i) grad[i] = out_[1 + i] / n;
        return loss;
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
        const double theta = params[i];
        // d/dθ l2·θ² = 2·l2·θ; d/dθ l1·|θ| = l1·sign(θ), 0 at θ = 0 as abs' is.
        const double sign = theta > 0 ? 1.0 : theta < 0 ? -1.0 : 0.0;
        loss += l2_ * theta * theta + l1_ * std::fabs(theta);
        grad[i] = out_[1 + i] / n + 2.0 * l2_ * theta + l1_ * sign;
    }
    return loss;
}

}  // namespace gradc::train
