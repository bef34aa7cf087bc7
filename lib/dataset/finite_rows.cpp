// finite_rows(): the rows a model can be fitted on, and where the first value that is not
// a number stands.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "gradc/dataset.hpp"
#include "gradc/error.hpp"

namespace gradc {
namespace {

std::string value_text(double v) { return std::isnan(v) ? "nan" : v > 0 ? "inf" : "-inf"; }

[[noreturn]] void refuse(const Dataset& data, std::size_t row, std::size_t column) {
    const std::string what = "the value of '" + data.names[column] + "' is " + value_text(data.columns[column][row]) +
                             ": a fit needs finite numbers in every column the model reads; correct the data, or "
                             "skip such rows with --drop-nonfinite (FitOptions::drop_nonfinite)";
    for (const Dataset::NonFinite& cell : data.nonfinite)
        if (cell.row == row && cell.column == column) {
            if (data.source.empty()) throw DataError(cell.line, cell.text_column, what);
            throw DataError(data.source, cell.line, cell.text_column, what);
        }
    throw DataError(0, 0, "row " + std::to_string(row + 1) + " of the data: " + what);
}

}  // namespace

Dataset finite_rows(const Dataset& data, std::span<const std::size_t> columns, bool drop, std::size_t& dropped) {
    dropped = 0;
    if (data.rows() == 0) throw Error("the data has no rows to fit");
    std::vector<bool> bad(data.rows(), false);
    bool any = false;
    for (const std::size_t j : columns)
        for (std::size_t r = 0; r < data.rows(); ++r)
            if (!std::isfinite(data.columns[j][r])) bad[r] = any = true;
    if (!any) return data;
    if (!drop) {
        // The first in reading order: by row, then by column in file order.
        const auto row = static_cast<std::size_t>(std::find(bad.begin(), bad.end(), true) - bad.begin());
        for (std::size_t j = 0; j < data.columns.size(); ++j)
            if (std::find(columns.begin(), columns.end(), j) != columns.end() && !std::isfinite(data.columns[j][row]))
                refuse(data, row, j);
    }
    std::vector<std::size_t> keep;
    for (std::size_t r = 0; r < data.rows(); ++r)
        if (!bad[r]) keep.push_back(r);
    dropped = data.rows() - keep.size();
    if (keep.empty()) throw Error("every row of the data has a non-finite value in a column the model reads");
    return data.select_rows(keep);
}

}  // namespace gradc
