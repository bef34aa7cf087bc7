// Tabular data for training and bulk evaluation: a CSV reader with errors that name the
// line and column, and the preparation steps a fit needs (split, standardization,
// shuffled mini-batches), all seeded so a run can be repeated.
//
// Data is column-major: one contiguous array per column, which is what batch and map
// kernels read (jit.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/error.hpp"

namespace gradc {

// A CSV file that cannot be read: the message names the line and column (1-based) and
// says what was expected there.
class DataError : public Error {
public:
    DataError(std::size_t line, std::size_t column, const std::string& message);
    // The same, the message beginning with the file's name: "data.csv, line 3, column 5: ".
    DataError(const std::string& source, std::size_t line, std::size_t column, const std::string& message);
    std::size_t line() const noexcept { return line_; }
    std::size_t column() const noexcept { return column_; }

private:
    std::size_t line_;
    std::size_t column_;
};

struct Dataset {
    static constexpr std::size_t npos = ~std::size_t{0};

    std::vector<std::string> names;            // from the header row, in file order
    std::vector<std::vector<double>> columns;  // columns[j][r]: column j at row r

    std::size_t rows() const noexcept { return columns.empty() ? 0 : columns.front().size(); }
    // The index of the column called `name`, or npos.
    std::size_t find(std::string_view name) const noexcept;
    // The column called `name`; DataError (line 1, the header) when there is none.
    const std::vector<double>& column(std::string_view name) const;
    // Pointers to the columns `indices`, in that order, for a kernel call.
    std::vector<const double*> pointers(std::span<const std::size_t> indices) const;
    // The rows `rows`, in that order, as a new dataset with the same columns (without
    // `source` and `nonfinite`, which describe the rows as read).
    Dataset select_rows(std::span<const std::size_t> rows) const;

    // Where a NaN or infinity read by read_csv() stands: row and column index in the
    // dataset, line and column (1-based) of its field in the text.
    struct NonFinite {
        std::size_t row;
        std::size_t column;
        std::size_t line;
        std::size_t text_column;
    };
    // For messages about the data: the file read_csv_file() read (empty otherwise), and
    // every non-finite value read_csv() found, in reading order.
    std::string source{};
    std::vector<NonFinite> nonfinite{};
};

// Reads CSV text: a header row of column names, then one row of numbers per line.
// Accepted: a UTF-8 byte order mark, CRLF or LF line ends, spaces or tabs around
// fields, blank lines (skipped), names in double quotes (`""` inside them is a quote),
// and the numbers `inf`, `-inf` and `nan`. Refused with a DataError naming line and
// column: a row with too few or too many fields, a field that is not a number, a
// number too large for a double (1e400), an empty or repeated column name, and a file
// with no header.
Dataset read_csv(std::string_view text);
// The same for a file; DataError (line 0) when it cannot be opened.
Dataset read_csv_file(const std::string& path);

// `data` as CSV text that read_csv() reads back to the same names and bits: a name in
// double quotes (a quote in it doubled, as RFC 4180 writes it) when a comma, a quote,
// a line break or blanks at either end would change how it reads; each number in the
// shortest form that reads back exactly, and NaN and infinities as `nan`, `inf`, `-inf`.
// Throws Error for a name read_csv() cannot take (an empty or repeated one, or one
// holding a line feed), and for names and columns that do not match in number or length.
std::string write_csv(const Dataset& data);

// A seeded shuffle of the rows, then the last `fraction` of them for validation (at
// least one row each when there are two or more rows and 0 < fraction < 1).
struct Split {
    Dataset train;
    Dataset validation;
};
Split split_rows(const Dataset& data, double fraction, std::uint64_t seed);
// The row numbers split_rows() puts in each part of a dataset of `rows` rows, in the
// order it puts them there.
struct SplitRows {
    std::vector<std::size_t> train;
    std::vector<std::size_t> validation;
};
SplitRows split_row_numbers(std::size_t rows, double fraction, std::uint64_t seed);

// Per-column mean and standard deviation (population, as scikit-learn's
// StandardScaler): apply() maps x to (x - mean) / scale. A constant column gets
// scale 1, so it becomes 0 rather than NaN.
struct Standardization {
    std::vector<std::size_t> columns;  // which columns of the dataset it applies to
    std::vector<double> mean;
    std::vector<double> scale;

    void apply(Dataset& data) const;
    // The inverse for one standardized value of columns[k].
    double restore(std::size_t k, double value) const noexcept { return value * scale[k] + mean[k]; }
};
Standardization fit_standardization(const Dataset& data, std::span<const std::size_t> columns);

// The rows of `data`, all of them, or with `drop` those without a NaN or infinity in
// `columns` (their count in `dropped`): what a model reading those columns can be
// fitted on. Throws DataError naming the file, line and column of the first non-finite
// value in `columns` (in reading order; the row, for data not read from text) without
// `drop`, and Error when the data has no rows or none is left.
Dataset finite_rows(const Dataset& data, std::span<const std::size_t> columns, bool drop, std::size_t& dropped);

// The row order of one epoch: 0..rows-1, shuffled by `seed` unless `shuffle` is off.
std::vector<std::size_t> epoch_order(std::size_t rows, bool shuffle, std::uint64_t seed);

}  // namespace gradc
