// What the tensor printers share: a fragment of printed text with how tightly it binds,
// the rules that parenthesize fragments when they combine (for text and LaTeX), map
// bodies over operand fragments, and index names.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/tensor.hpp"
#include "gradc/tensor_print.hpp"

namespace gradc::tensor {

// Loosest first: comparisons < sums < products (`*`, `/`, `@`) < unary minus < `^` <
// postfix forms (X', x[1:], x[n,i]), calls and atoms.
enum PrintPrec : int { kPrintCompare, kPrintSum, kPrintProduct, kPrintUnary, kPrintPower, kPrintAtom };

// The kinds of product that must not mix without parentheses: elementwise (`*`, `/`,
// LaTeX \odot) and matrix products (`@`, LaTeX juxtaposition, also a scalar's).
enum class Product : std::uint8_t { None, Elementwise, Matrix };

struct Fragment {
    std::string text;
    int prec = kPrintAtom;
    Product product = Product::None;
    std::size_t depth = 0;  // nesting of parentheses and calls, for max_nesting
    Shape shape;            // the shape the text has under NumPy's rules (matrix form)
    // Matrix form: the same value in a smaller shape that NumPy broadcasts (x[:,None]
    // for broadcast_to(x[:,None], (N, 3))), and the transpose where it reads better than
    // a trailing ' ((diag(v) @ X)' is X' @ diag(v)).
    std::shared_ptr<const Fragment> narrow = nullptr, transposed = nullptr;
};

struct Syntax {
    TensorSyntax syntax;
    bool latex() const { return syntax == TensorSyntax::Latex; }
    std::string open() const { return latex() ? "\\left(" : "("; }
    std::string close() const { return latex() ? "\\right)" : ")"; }
};

Fragment atom(std::string text, Shape shape = {});
// `f` in parentheses when its precedence is below `at_least`.
Fragment parenthesized(const Syntax& s, const Fragment& f, int at_least);
// a op b at precedence `prec`, left-associative: the right operand is parenthesized
// at the same precedence, except matrix products, which associate (X' @ D @ X).
Fragment infix(const Syntax& s, const Fragment& a, std::string_view op, const Fragment& b, int prec,
               Product product = Product::None);
// name(args...), or a LaTeX command with its arguments in \left( \right).
Fragment call(const Syntax& s, std::string_view name, std::span<const Fragment> args);
// A postfix form on `base` (transpose, slice, element read): base is parenthesized
// unless it is an atom.
Fragment postfix(const Syntax& s, const Fragment& base, std::string_view suffix);

// A number as the scalar language writes it (`0.5`, `-2`, `pi`), or in LaTeX.
Fragment number(const Syntax& s, double v);
// A tensor's or binding's name: as is in text; `W_{1}`, `\theta`, `\mathit{lr}` in LaTeX.
std::string name_text(const Syntax& s, std::string_view name);
// (N, 3), (3,), ().
std::string shape_text(const Shape& shape);

// A read of element `index` of `base` (a name or an expression): X[n,i] or X_{n,i};
// a scalar is read as it is.
Fragment element(const Syntax& s, const Fragment& base, std::span<const std::string> index);

// A map's body with placeholder p_k printed as placeholders[k]. A subexpression used
// more than once whose text covers more than `share_above` scalar nodes is handed to
// `share`, which binds it and returns what to print in its place. `tensors[k]` says
// whether placeholder k stands for more than one element (LaTeX writes \odot between
// two of those and juxtaposes a scalar).
using Share = std::function<Fragment(Fragment)>;
Fragment print_body(const Syntax& s, Expr body, std::span<const Fragment> placeholders,
                    const std::vector<bool>& tensors, std::size_t share_above, const Share& share);
// How often each placeholder p0 ... p(count-1) occurs in the printed body, its shared
// parts bound as print_body binds them.
std::vector<std::size_t> placeholder_uses(Expr body, std::size_t count, std::size_t share_above);

// Index names for one definition: `n` for the rows N, then i, j, k, ... skipping the
// names `taken` (the program's tensors).
class IndexNames {
public:
    explicit IndexNames(const std::set<std::string>& taken) : taken_(taken) {}
    std::string fresh(bool rows = false);
    // One name per axis of `shape`.
    std::vector<std::string> for_shape(const Shape& shape);

private:
    const std::set<std::string>& taken_;
    std::set<std::string> used_;
    std::size_t next_ = 0;
};

// A constant of rank 1 or more: full((2, 3), 0.5) when its values are equal, else
// nested lists [[1, 2], [3, 4]].
Fragment literal(const Syntax& s, Tensor constant);
// A sum or max over `indices` of `body`: sum(j, k, body), \sum_{j,k} body.
Fragment reduction(const Syntax& s, bool max, std::span<const std::string> indices, const Fragment& body);

// The index form of one node: the right side of the definition of its element `lhs`
// (one index name per axis; none for a constant, defined whole), with operand k read
// through operands[k].
Fragment index_definition(const Syntax& s, Tensor node, std::span<const Fragment> operands,
                          std::span<const std::string> lhs, IndexNames& names, std::size_t share_above,
                          const Share& share);

// The matrix form of one node from its operands' fragments, or nothing when the node
// has no spelling there and is printed in index form. `expanded[k]`, when set, is
// operand k's narrow fragment, which NumPy broadcasts by itself.
std::optional<Fragment> matrix_fragment(const Syntax& s, Tensor node, std::span<const Fragment> operands,
                                        std::span<const std::optional<Fragment>> expanded, std::size_t share_above,
                                        const Share& share);
// A broadcast's operand, with None for the new axes, as NumPy broadcasts it by itself
// (x[:, None] for [N] to [N,3]); nothing when that is the operand itself.
Fragment expanded_broadcast(const Syntax& s, Tensor node, const Fragment& operand);

}  // namespace gradc::tensor
