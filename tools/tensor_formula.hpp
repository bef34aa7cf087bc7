// Tensor programs on the command line (`X: data[N,3]; w: param[3]; sum(X @ w)`): what
// grad, hessian, jacobian, eval and check do when the formula declares its inputs.
// Values come from the reference interpreter, or with --jit from compiled loop nests
// (tensor_jit.hpp), which give the same bits.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gradc/tensor.hpp"
#include "gradc/tensor_print.hpp"
#include "subcommand.hpp"
#include "tensor_inputs.hpp"

namespace gradc::cli {

struct CheckOptions;

// A parsed tensor program with the inputs to differentiate by and the values of --at.
struct TensorFormula {
    std::vector<Tensor> outputs;                            // in source order
    std::vector<Tensor> inputs;                             // in declaration order
    std::vector<std::pair<std::string, Tensor>> bindings;  // the program's own names
    std::vector<Tensor> wrt;                                // --wrt, or every param
    bool wrt_given = false;
    std::optional<TensorBindings> point;  // --at
    bool jit = false;                     // --jit
};

// Values of some outputs of a program at any values of its inputs.
using TensorFunction = std::function<std::vector<TensorValue>(const TensorBindings&)>;

// Which inputs --at must give a value for.
enum class AtNeeds : std::uint8_t { Every, Data };

// Parses `source` under the command-line limits and reads --wrt and --at (any values
// given are checked against the declarations; `needs` says which must be there when
// --at is given).
TensorFormula load_tensor_formula(TensorContext& ctx, const CommandOptions& options, const std::string& source,
                                  AtNeeds needs = AtNeeds::Every);

// The tensor forms of the subcommands. `source` is the formula's text, read once.
int run_tensor_grad(const CommandOptions& options, const std::string& source);
int run_tensor_hessian(const CommandOptions& options, const std::string& source);
int run_tensor_jacobian(const CommandOptions& options, const std::string& source);
int run_tensor_eval(const CommandOptions& options, const std::string& source);
int run_tensor_check(const CheckOptions& options, const std::string& source);

// The values of `outputs` as functions of the program's inputs: by the interpreter, or
// with --jit by a kernel compiled once here (compiled_tensor_values, codegen.hpp).
TensorFunction tensor_evaluator(const TensorFormula& formula, std::vector<Tensor> outputs);
// The values of `outputs` at the formula's point (--at), by tensor_evaluator.
std::vector<TensorValue> tensor_values(const TensorFormula& formula, std::vector<Tensor> outputs);

// The formula's point with every input needed by eval: an error naming the inputs
// when --at was not given.
const TensorBindings& tensor_point(const TensorFormula& formula, const char* command);

// Notation for tensors, by name: ∂/∂w, ∂²/∂w².
std::string tensor_partial(const Notation& notation, std::string_view name);
std::string tensor_second(const Notation& notation, std::string_view name);

// Print options naming the program's bindings, on their canonical forms.
TensorPrintOptions tensor_names(TensorContext& ctx, const TensorFormula& formula);

// The matrix form on one line, bindings first ("t1 = sigmoid(X @ w); X' @ (t1 - y)"):
// for JSON strings, each of which stands alone.
std::string tensor_one_line(std::span<const Tensor> outputs);

}  // namespace gradc::cli
