// The mean loss and mean gradient of a fit over all rows or over a batch of them, from
// one compiled batch kernel.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "gradc/dataset.hpp"
#include "gradc/jit.hpp"

namespace gradc::train {

class FitObjective {
public:
    // `columns` are the dataset's columns the kernel reads, in the kernel's order; l1
    // and l2 add l1·Σ|θ| + l2·Σθ² to the mean. `data` must outlive the objective.
    FitObjective(BatchKernel kernel, const Dataset& data, std::vector<std::size_t> columns, double l1, double l2,
                 ThreadPool* pool);

    std::size_t rows() const noexcept { return data_.rows(); }
    // The mean over every row, in the dataset's order; writes the mean gradient.
    double all_rows(std::span<const double> params, std::span<double> grad);
    // The mean over `rows`, gathered in that order into contiguous buffers first.
    double batch(std::span<const double> params, std::span<const std::size_t> rows, std::span<double> grad);

private:
    double mean(std::span<const double> params, std::span<const double* const> columns, std::size_t rows,
                std::span<double> grad);

    BatchKernel kernel_;
    const Dataset& data_;
    std::vector<std::size_t> columns_;
    double l1_, l2_;
    ThreadPool* pool_;
    std::vector<const double*> all_;             // the dataset's own columns
    std::vector<std::vector<double>> buffers_;  // one batch, column by column, reused
    std::vector<const double*> gathered_;
    std::vector<double> out_;
};

}  // namespace gradc::train
