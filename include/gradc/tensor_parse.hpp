// Reading tensor programs: the formula language with declarations, the matrix form and
// the index form (docs/language.md, "Tensors"), lowered to nodes of a TensorContext.
//
//   W: param[3,2]; X: data[N,3]; y: data[N] int
//   z = X @ W;
//   h[n,j] = tanh(z[n,j]);
//   sum(logsumexp(h, axis=1) - take_along_axis(h, y, axis=1))
//
// A program is a tensor program when it declares a name (`name: param[...]` or
// `name: data[...]`); every other program keeps its scalar meaning (parse.hpp), and
// parse() refuses declarations. Shape errors are ParseErrors at the operator or call
// responsible, naming both shapes.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gradc/parse.hpp"
#include "gradc/tensor.hpp"

namespace gradc {

struct TensorProgram {
    std::vector<Tensor> outputs;  // the results, in source order
    std::vector<Tensor> inputs;   // the declared params and data, in declaration order
    std::vector<std::pair<std::string, Tensor>> bindings;  // `name = ...;` and `name[i,j] = ...;`
};

// Whether some statement of `source` is a declaration (`name:` at the start of a
// statement, comments aside): a cheap scan that reads no further than it must.
bool declares_tensors(std::string_view source) noexcept;

// Parses a tensor program into `ctx`. Throws ParseError (line, column, caret) for
// malformed text, undeclared names, free indices and shape mismatches; LimitError as
// parse() does.
TensorProgram parse_tensor_program(TensorContext& ctx, std::string_view source, const ParseLimits& limits = {});

}  // namespace gradc
