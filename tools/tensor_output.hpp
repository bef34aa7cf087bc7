// Tensor values as the command line writes them: nested lists, as NumPy and JSON do.
#pragma once

#include <string>

#include "gradc/tensor.hpp"
#include "json.hpp"

namespace gradc::cli {

// "[[1, 2], [3, 4]]", "[0.5, -1]", or "2" for a scalar; numbers as the scalar commands
// write them (the shortest text that reads back exactly; nan, inf, -inf). An axis of
// length 0 is "[]". The text reads back through --at.
std::string tensor_value_text(const TensorValue& value);

// The same nesting as JSON arrays (a scalar is a number); NaN and infinities become
// null with a warning when written, as every JSON number does.
Json tensor_value_json(const TensorValue& value);

}  // namespace gradc::cli
