// Columns of numbers written as CSV, for `eval --data` and `predict`: a header, then
// one line per row, in a form read_csv() (gradc/dataset.hpp) reads back.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace gradc::cli {

// Writes `names` as the header and columns[k][r] as row r's k-th field. Numbers are
// number_text()'s shortest exact form ("nan", "inf" and "-inf" included).
void write_csv(std::ostream& out, const std::vector<std::string>& names,
               const std::vector<std::vector<double>>& columns);

}  // namespace gradc::cli
