// Printing tensor programs the way matrix calculus writes them, and element by element.
//
// Two forms, each as text or LaTeX (docs/tensors.md, "Printing", has the grammar):
// - Matrix form, with NumPy's conventions: `*` elementwise with broadcasting, `@` the
//   matrix product, `X'` a transpose, `x[1:]` a slice, `sum(x, axis=1)` and
//   `amax(x, axis=1)` reductions, `diag(v)`, `outer(a, b)`. A node used more than once
//   is bound to a name first: `t1 = sigmoid(X @ w);` then `X' @ diag(t1 * (1 - t1)) @ X`.
//   A node with no such spelling (a general contraction, windows, scatter_add) is bound
//   in index form instead, which is always correct.
// - Index form: every node but the inputs and scalar constants as one definition of its
//   elements, `t1[n] = sum(i, X[n,i] * w[i])`, in topological order.
// Printing is deterministic (names depend only on the program) and iterative; a chain
// of single-use nodes nested deeper than max_nesting is split into bindings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "gradc/tensor.hpp"

namespace gradc {

enum class TensorForm : std::uint8_t { Matrix, Index };
enum class TensorSyntax : std::uint8_t { Text, Latex };

struct TensorPrintOptions {
    // Names for nodes, such as `s` for sigmoid(X @ w): a named node that is printed is
    // bound under its name. Names must differ from the inputs' and from each other.
    std::vector<std::pair<Tensor, std::string>> names;
    // A subexpression of a map's body used more than once whose text covers more than
    // this many scalar nodes is bound to a name instead of written out at each use:
    // sigmoid(z) * (1 - sigmoid(z)) prints as t1 = sigmoid(z); t1 * (1 - t1).
    std::size_t share_above = 1;
    // Matrix form: an expression nested deeper than this is bound to a name. At least 1.
    std::size_t max_nesting = 32;
};

// A printed program: bindings in topological order, each a left side ("t1", or
// "t2[n,i]" in index form) and a right side, then the text of each output.
struct TensorListing {
    std::vector<std::pair<std::string, std::string>> bindings;
    std::vector<std::string> outputs;
};

TensorListing tensor_listing(std::span<const Tensor> outputs, TensorForm form, TensorSyntax syntax,
                             const TensorPrintOptions& options = {});

// Text: one binding a line, `lhs = rhs;`, then the outputs separated by ", ".
std::string tensor_text(std::span<const Tensor> outputs, TensorForm form = TensorForm::Matrix,
                        const TensorPrintOptions& options = {});
inline std::string tensor_text(Tensor output, TensorForm form = TensorForm::Matrix,
                               const TensorPrintOptions& options = {}) {
    return tensor_text(std::span<const Tensor>(&output, 1), form, options);
}

// LaTeX math (without surrounding $): `X^\top \operatorname{diag}\left(s \odot \left(1 - s\right)\right) X`,
// bindings first, each `lhs = rhs` followed by `;\quad `.
std::string tensor_latex(std::span<const Tensor> outputs, TensorForm form = TensorForm::Matrix,
                         const TensorPrintOptions& options = {});
inline std::string tensor_latex(Tensor output, TensorForm form = TensorForm::Matrix,
                                const TensorPrintOptions& options = {}) {
    return tensor_latex(std::span<const Tensor>(&output, 1), form, options);
}

}  // namespace gradc
