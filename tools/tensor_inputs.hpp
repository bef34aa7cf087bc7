// The inputs of a tensor program on the command line: --wrt picks the ones to
// differentiate by, --at binds values to them, checked against their declarations.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gradc/tensor.hpp"

namespace gradc::cli {

// Values by name, as --at gives them, in the order given (parse_tensor_options).
using NamedTensorValues = std::vector<std::pair<std::string, TensorValue>>;

// The declaration of an input as the program writes it: "param[3]", "data[N,3]",
// "data[N] int".
std::string declaration_text(Tensor input);

// "X, y, w", or "none": for messages.
std::string input_names(std::span<const Tensor> inputs);

// The params, in declaration order: what grad differentiates by without --wrt.
std::vector<Tensor> param_inputs(std::span<const Tensor> inputs);

// The inputs --wrt names ("w,b"), in its order. Throws gradc::Error for a name the
// program does not declare, int data (which has no derivative), a repeated name or an
// empty item.
std::vector<Tensor> select_tensor_wrt(std::string_view wrt, std::span<const Tensor> inputs);

// The values bound to the inputs, with N from the rows of the data. Every input in
// `required` needs a value; an input outside it may go without one (it is then absent
// from the bindings). Throws gradc::Error naming what is wrong: a name that is no
// input, a name given twice, a missing value, a value whose rank or size differs from
// the declaration (both shapes named), data that disagree on N, and int data with a
// value that is not a whole number.
TensorBindings bind_tensor_inputs(std::span<const Tensor> inputs, NamedTensorValues values,
                                  std::span<const Tensor> required);

}  // namespace gradc::cli
