// Preparing a dataset for training: selecting rows, a seeded validation split,
// standardization, and the row order of each epoch.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <utility>

#include "gradc/dataset.hpp"
#include "support/joined.hpp"

namespace gradc {

std::size_t Dataset::find(std::string_view name) const noexcept {
    for (std::size_t j = 0; j < names.size(); ++j)
        if (names[j] == name) return j;
    return npos;
}

const std::vector<double>& Dataset::column(std::string_view name) const {
    const std::size_t j = find(name);
    if (j == npos) {
        throw DataError(1, 1,
                        "there is no column '" + std::string(name) + "'; the columns are " + support::joined(names));
    }
    return columns[j];
}

std::vector<const double*> Dataset::pointers(std::span<const std::size_t> indices) const {
    std::vector<const double*> out;
    out.reserve(indices.size());
    for (std::size_t j : indices) out.push_back(columns.at(j).data());
    return out;
}

Dataset Dataset::select_rows(std::span<const std::size_t> rows) const {
    Dataset out;
    out.names = names;
    out.columns.resize(columns.size());
    for (std::size_t j = 0; j < columns.size(); ++j) {
        out.columns[j].reserve(rows.size());
        for (std::size_t r : rows) out.columns[j].push_back(columns[j].at(r));
    }
    return out;
}

std::vector<std::size_t> epoch_order(std::size_t rows, bool shuffle, std::uint64_t seed) {
    std::vector<std::size_t> order(rows);
    std::iota(order.begin(), order.end(), std::size_t{0});
    if (shuffle) {
        // Fisher-Yates with a fixed generator and our own index draw: std::shuffle's
        // and distributions' algorithms differ between standard libraries.
        std::mt19937_64 random(seed);
        for (std::size_t i = rows; i > 1; --i) std::swap(order[i - 1], order[random() % i]);
    }
    return order;
}

SplitRows split_row_numbers(std::size_t rows, double fraction, std::uint64_t seed) {
    if (!(fraction >= 0.0 && fraction < 1.0))
        throw Error("the validation fraction must be at least 0 and below 1, as in 0.2");
    std::vector<std::size_t> order = epoch_order(rows, true, seed);
    std::size_t held = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(rows)));
    if (fraction > 0 && rows >= 2) held = std::clamp<std::size_t>(held, 1, rows - 1);
    SplitRows split;
    split.validation.assign(order.end() - static_cast<std::ptrdiff_t>(held), order.end());
    order.resize(rows - held);
    split.train = std::move(order);
    return split;
}

Split split_rows(const Dataset& data, double fraction, std::uint64_t seed) {
    const SplitRows rows = split_row_numbers(data.rows(), fraction, seed);
    return Split{data.select_rows(rows.train), data.select_rows(rows.validation)};
}

Standardization fit_standardization(const Dataset& data, std::span<const std::size_t> columns) {
    Standardization s;
    s.columns.assign(columns.begin(), columns.end());
    for (std::size_t j : columns) {
        const std::vector<double>& c = data.columns.at(j);
        double mean = 0;
        for (double v : c) mean += v;
        mean /= c.empty() ? 1.0 : static_cast<double>(c.size());
        double var = 0;
        for (double v : c) var += (v - mean) * (v - mean);
        var /= c.empty() ? 1.0 : static_cast<double>(c.size());
        const double scale = std::sqrt(var);
        s.mean.push_back(mean);
        s.scale.push_back(scale > 0 ? scale : 1.0);
    }
    return s;
}

void Standardization::apply(Dataset& data) const {
    for (std::size_t k = 0; k < columns.size(); ++k)
        for (double& v : data.columns.at(columns[k])) v = (v - mean[k]) / scale[k];
}

}  // namespace gradc
