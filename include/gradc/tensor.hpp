// gradc's tensor IR: an immutable, hash-consed DAG of shaped values, the level above
// the scalar DAG of expr.hpp. A model is a few dozen tensor nodes whatever its widths;
// derivatives are taken on whole tensors (tensor_gradient), and any small program
// expands into the scalar DAG (scalarize), the oracle of every tensor rule.
//
// Semantics, once for the tensor level:
// - Shapes are static, except that one dimension may be the symbolic row count N
//   (kRows), bound when data arrives. A shape's element count is overflow-checked.
// - Elements are IEEE doubles, except index tensors (data of ElementType::Index: class
//   labels, token ids), which hold int64 and are read only by gather and scatter_add,
//   directly or through a reshape (labels y[N] picked along rows as y[N,1]); an index
//   outside its axis is an error when the program runs, never a wild read.
// - Layout is row-major (C order): the last index moves fastest.
// - map applies an ordinary scalar expression elementwise: its body is an Expr over
//   placeholders p0, p1, ... (TensorContext::placeholder) standing for the operands,
//   which broadcast as in NumPy (shapes aligned at the right; a dimension of 1
//   stretches; N matches N only). Every scalar op, stable form and kink convention of
//   expr.hpp and autodiff.hpp carries over unchanged.
// - contract is einsum for two operands: "ij,jk->ik" multiplies and sums over the
//   labels missing from the output. Every label of an operand must appear in the other
//   operand or in the output (what the adjoint needs; single-operand sums are `sum`).
// - The summation order of every sum (contract, sum, and the adjoints built from them)
//   depends on neither the vector width nor the thread count: the terms, in row-major
//   order of the summed indices, go round-robin into 8 partial sums s0..s7 (term t into
//   s_{t mod 8}, each starting at -0.0 so the first term is exact), combined as
//   ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7)); an empty sum is +0.0. The
//   interpreter sums so, compiled kernels will too, and scalarize builds the same tree.
// - max over axes returns NaN when any element is NaN (as scalar max); its gradient is
//   split equally between tied maxima.
//
// Equality is identity, as for scalars: building a node equal to an existing one
// returns it. A TensorContext is not thread-safe and frees its nodes when destroyed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc {

// The symbolic row dimension N.
inline constexpr std::int64_t kRows = -1;

struct Shape {
    std::vector<std::int64_t> dims;  // each >= 0, or kRows (at most one)

    std::size_t rank() const noexcept { return dims.size(); }
    bool has_rows() const noexcept;
    // The dimensions with N bound to `rows`.
    std::vector<std::size_t> bound(std::size_t rows) const;
    // The element count with N = `rows`; LimitError past 2^62 elements.
    std::size_t elements(std::size_t rows = 1) const;
    // "[N,784]", "[]" for a scalar.
    std::string text() const;
    bool operator==(const Shape&) const = default;
};

enum class ElementType : std::uint8_t { Real, Index };

// Every kind of tensor node, listed once.
#define GRADC_TENSOR_KINDS(X) \
    X(Param)                  \
    X(Data)                   \
    X(Constant)               \
    X(Map)                    \
    X(Contract)               \
    X(Sum)                    \
    X(Max)                    \
    X(Broadcast)              \
    X(Permute)                \
    X(Reshape)                \
    X(Gather)                 \
    X(ScatterAdd)             \
    X(Delta)                  \
    X(View)                   \
    X(ViewAdjoint)

enum class TensorKind : std::uint8_t {
#define GRADC_TENSOR_KIND_ENUM(name) name,
    GRADC_TENSOR_KINDS(GRADC_TENSOR_KIND_ENUM)
#undef GRADC_TENSOR_KIND_ENUM
};

std::string_view tensor_kind_name(TensorKind kind) noexcept;

class TensorNode;
using Tensor = const TensorNode*;

class TensorNode {
public:
    TensorKind kind() const noexcept { return kind_; }
    const Shape& shape() const noexcept { return shape_; }
    ElementType type() const noexcept { return type_; }
    std::span<const Tensor> operands() const noexcept { return operands_; }
    Tensor operand(std::size_t i) const noexcept { return operands_[i]; }

    // Param and Data: the name. Constant: the values, row-major.
    std::string_view name() const noexcept { return name_; }
    std::span<const double> values() const noexcept { return values_; }
    // Map: the scalar body over placeholders p0 ... p(k-1).
    Expr body() const noexcept { return body_; }
    // Contract: each operand's labels and the output's, one char a dimension.
    std::string_view labels(std::size_t operand) const noexcept { return labels_[operand]; }
    std::string_view output_labels() const noexcept { return labels_[2]; }
    // Sum, Max: the reduced axes (ascending). Permute: output axis k is input axis
    // axes()[k]. Broadcast: input axis k goes to output axis axes()[k].
    // Gather, ScatterAdd: axes()[0] is the axis indexed.
    std::span<const std::size_t> axes() const noexcept { return axes_; }
    // View: output element i reads x[j], j_a = Σ_k affine[a][k]·i_k + affine[a][out
    // rank], or 0 where j falls outside x; one row of out rank + 1 numbers per x axis.
    // ViewAdjoint: the same map, run backwards (its operand has the view's shape).
    std::span<const std::int64_t> affine() const noexcept { return affine_; }

    std::uint32_t id() const noexcept { return id_; }  // creation order: operands first

private:
    friend class TensorContext;
    TensorKind kind_ = TensorKind::Constant;
    ElementType type_ = ElementType::Real;
    std::uint32_t id_ = 0;
    Shape shape_;
    std::vector<Tensor> operands_;
    std::string name_;
    std::vector<double> values_;
    Expr body_ = nullptr;
    std::string labels_[3];
    std::vector<std::size_t> axes_;
    std::vector<std::int64_t> affine_;
};

class TensorContext {
public:
    static constexpr std::size_t kDefaultMaxNodes = 1'000'000;

    TensorContext();
    ~TensorContext();
    TensorContext(const TensorContext&) = delete;
    TensorContext& operator=(const TensorContext&) = delete;

    // The scalar context map bodies live in.
    ExprContext& scalars() noexcept;
    // The placeholder p`i` of map bodies.
    Expr placeholder(std::size_t i);

    // Inputs. A name is one input: a second param or data of another shape or type
    // under the same name is a SemanticError.
    Tensor param(std::string_view name, Shape shape);
    Tensor data(std::string_view name, Shape shape, ElementType type = ElementType::Real);
    Tensor constant(std::vector<double> values, Shape shape);
    Tensor scalar(double value) { return constant({value}, Shape{}); }

    // Elementwise: `body` over placeholders p0 ... p(k-1) for the k operands, which
    // broadcast to the result's shape. A body that is one placeholder whose operand has
    // the result's shape is that operand.
    Tensor map(Expr body, std::span<const Tensor> operands);
    Tensor map(Op op, Tensor a);
    Tensor map(Op op, Tensor a, Tensor b);
    Tensor add(Tensor a, Tensor b) { return map(Op::Add, a, b); }
    Tensor sub(Tensor a, Tensor b) { return map(Op::Sub, a, b); }
    Tensor mul(Tensor a, Tensor b) { return map(Op::Mul, a, b); }
    Tensor div(Tensor a, Tensor b) { return map(Op::Div, a, b); }

    // einsum of two operands, as "ij,jk->ik".
    Tensor contract(std::string_view spec, Tensor a, Tensor b);
    // a @ b for matrices (and a matrix times a vector, a vector times a matrix).
    Tensor matmul(Tensor a, Tensor b);

    // Reductions over `axes` (which disappear from the shape).
    Tensor sum(Tensor x, std::span<const std::size_t> axes);
    Tensor sum(Tensor x);  // over every axis: a scalar
    Tensor max(Tensor x, std::span<const std::size_t> axes);
    // mean = sum / count and logsumexp = m + log(sum(exp(x - m))) with m = max, both
    // over `axes`: compositions of the kinds above.
    Tensor mean(Tensor x, std::span<const std::size_t> axes);
    Tensor logsumexp(Tensor x, std::span<const std::size_t> axes);

    // Views. broadcast: input axis k becomes output axis `axes[k]` (increasing), each
    // of size 1 or the output's; the other output axes are new.
    Tensor broadcast(Tensor x, Shape to, std::span<const std::size_t> axes);
    // NumPy's broadcast_to: the shapes aligned at the right.
    Tensor broadcast_to(Tensor x, Shape to);
    // Output axis k is input axis `perm[k]`.
    Tensor permute(Tensor x, std::span<const std::size_t> perm);
    Tensor transpose(Tensor x);  // reverses the axes
    // The same elements, row-major, in another shape of equal count; N may only keep
    // its place among the axes that are not 1. Index data may be reshaped too.
    Tensor reshape(Tensor x, Shape to);

    // take_along_axis: out[i] = x[i with axis replaced by index[i]], out shaped as
    // x's leading axes followed by `index`, an index tensor equal to x's trailing axes
    // off `axis` (`index` reads the same for every position of the leading axes).
    Tensor gather(Tensor x, std::size_t axis, Tensor index);
    // The adjoint of gather: zeros of `shape`, then out[i with axis replaced by
    // index[i]] += source[i] for every i, in row-major order of i; `source` is shaped
    // as gather's output.
    Tensor scatter_add(Shape shape, std::size_t axis, Tensor index, Tensor source);
    // The identity of shape S ++ S: 1 where the first half of the index equals the
    // second, else 0 (the seed of Jacobians and Hessians). A contraction with it
    // renames a label instead of multiplying.
    Tensor delta(Shape half);

    // Affine views (kind View), each reading 0 where it falls outside x; their adjoint
    // (ViewAdjoint) adds the view's elements back where they came from, in row-major
    // order of the view. The row dimension N may only be carried through unchanged.
    // x[start:stop:step] along `axis` (0 <= start <= stop <= size, step >= 1).
    Tensor slice(Tensor x, std::size_t axis, std::int64_t start, std::int64_t stop, std::int64_t step = 1);
    // `low` zeros before and `high` after along `axis`.
    Tensor pad(Tensor x, std::size_t axis, std::int64_t low, std::int64_t high);
    // The diagonal of two axes of equal size: it takes the place of `first`, and
    // `second` disappears.
    Tensor diagonal(Tensor x, std::size_t first, std::size_t second);
    // Sliding windows of `size` along `axis`: that axis becomes [positions, size] with
    // out[.., p, k, ..] = x[.., p + k, ..] (what a convolution reads).
    Tensor windows(Tensor x, std::size_t axis, std::int64_t size);
    // The general form: `affine` as TensorNode::affine() describes, onto `shape`.
    Tensor view(Tensor x, Shape shape, std::vector<std::int64_t> affine);
    Tensor view_adjoint(Tensor g, Shape shape, std::vector<std::int64_t> affine);

    std::size_t node_count() const noexcept;
    // Building a new node past this many throws LimitError.
    void set_max_nodes(std::size_t max_nodes) noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    Tensor intern(TensorNode node);
    Tensor contract_with_delta(const std::string& lx, const std::string& ld, const std::string& out, Tensor x,
                               Tensor d);
};

// The nodes reachable from `roots`, each once, operands first. Iterative.
std::vector<Tensor> tensor_order(std::span<const Tensor> roots);

// Reverse mode on tensors: the gradient of the scalar (shape []) `f` by each of `wrt`,
// shaped as it, built as tensor nodes in `ctx` by one backward sweep with one adjoint
// rule per kind (lib/tensor/adjoint.cpp): the adjoint of a contraction is a
// contraction, of a broadcast a sum, of a gather a scatter_add. Throws SemanticError
// when f is not a scalar or a wrt is not a Param or real Data node.
std::vector<Tensor> tensor_gradient(TensorContext& ctx, Tensor f, std::span<const Tensor> wrt);

// Forward mode with a batch of directions: the derivative of each output along
// `directions`, one per wrt, each shaped batch ++ shape(wrt) (batch [] for a single
// direction); each result is shaped batch ++ shape(output). One rule per kind
// (lib/tensor/tangent.cpp).
std::vector<Tensor> tensor_jvp(TensorContext& ctx, std::span<const Tensor> outputs, std::span<const Tensor> wrt,
                               std::span<const Tensor> directions, const Shape& batch = {});

// The Hessian of the scalar `f` by `wrt` (shape S), shaped S ++ S: forward mode over
// the gradient along delta(S). Contractions with the delta rename labels, so for a
// vector parameter no n²-sized intermediate is built: the Hessian of
// sum(softplus(X @ w) - y * (X @ w)) is contract(X, s(1 - s) · Xᵀ) with s = sigmoid(X @ w).
Tensor tensor_hessian(TensorContext& ctx, Tensor f, Tensor wrt);

// The outputs rewritten into canonical form (lib/tensor/canonicalize.cpp): every product
// of tensors — contractions, elementwise products that stretch no dimension of 1, and
// transposes, through nodes used once — becomes one einsum network, deltas merge
// labels instead of multiplying, and the network is contracted again pair by pair,
// cheapest intermediate first (N counted as 1,000). The result computes the same
// values up to the rounding of the new association order; passes repeat until one
// changes nothing (at most 16), so canonicalizing the result again returns it.
std::vector<Tensor> canonicalize(TensorContext& ctx, std::span<const Tensor> outputs);

// A value for a tensor: its bound shape and row-major elements (reals, or indices).
struct TensorValue {
    std::vector<std::size_t> shape;
    std::vector<double> reals;
    std::vector<std::int64_t> indices;
};

// The values of the inputs, by name, and the row count N.
struct TensorBindings {
    std::size_t rows = 0;
    std::vector<std::pair<std::string, TensorValue>> inputs;

    const TensorValue* find(std::string_view name) const noexcept;
};

// The reference interpreter: the values of `outputs` with the inputs bound. Sums in
// the documented order. Throws SemanticError for a missing input or one of the wrong
// shape, and Error for an index out of range.
std::vector<TensorValue> evaluate(std::span<const Tensor> outputs, const TensorBindings& bindings);

// The program expanded into scalars in `scalars`, with N = bindings.rows: each element
// of each output as an Expr. `bindings` give N and every input (the values of Param
// and real Data only fix their shapes). Param and real Data elements become variables named
// "W[i,j]" (scalar_input_name); index data is read from `bindings`, constants fold.
// Sums are built in the documented order, so values agree with evaluate() bit for bit.
std::vector<std::vector<Expr>> scalarize(ExprContext& scalars, std::span<const Tensor> outputs,
                                         const TensorBindings& bindings);
// The scalar variable of element `index` of input `name`: "W[1,2]", "b[3]", "c".
std::string scalar_input_name(std::string_view name, std::span<const std::size_t> index);

}  // namespace gradc
