// Values of tensors from --at: `--at 'w=[0.5,-1],X=[[1,2],[3,4]]'`, `--at X=@train.npy`.
//
// One --at argument holds items name=value separated by commas outside brackets. A value
// is a number (as --at takes for scalars: 2, -0.5, 1e-3, inf, nan), a nested list
// literal read by NumPy's rules (rectangular, `[]` is shape (0,), blanks anywhere, a
// comma before ']' allowed), or @path to a file: .npy (float64 or int64) or .csv (its
// header names the columns; one column is a vector [rows], more a matrix [rows, columns]).
// A comma always splits items outside brackets, so a path cannot hold one.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gradc/tensor.hpp"

namespace gradc::cli {

using TensorAssignments = std::vector<std::pair<std::string, TensorValue>>;

// The items of one --at argument in the order given. An int64 .npy file fills `indices`,
// every other value `reals`. Throws gradc::Error saying which item is wrong, where and
// what to write instead; lists nest at most 64 deep (a tensor's dimensions).
TensorAssignments parse_tensor_assignments(std::string_view at);

// The items of every --at option, in order; Error for a name given twice.
TensorAssignments parse_tensor_options(std::span<const std::string> at_options);

// `value` as indices, for data declared int: `indices` as given, or each real checked
// to be a whole number within int64's range. Error naming the element otherwise
// ("y[3] = 2.5 is not an integer").
TensorValue to_indices(std::string_view name, const TensorValue& value);

}  // namespace gradc::cli
