// Lowering tensor programs: statements from the grammar -> nodes of a TensorContext.
//
// An elementwise expression is gathered whole before it becomes a node: `a * (1 - a)`
// is one map whose body is p0 * (1 - p0), not two maps, so a program reads back as
// the nodes its printed form came from. Values are kept as a Lazy until something that
// is not elementwise (a product, a reduction, a view, a binding, a result) needs them.
//
// In an index-form definition, `h[n,j] = relu(sum(i, x[n,i] * W[i,j]) + b[j])`, every
// operand of a Lazy carries the index names of its axes; operands are aligned by name,
// a product summed over an index is a contraction, and the result takes the order of
// the left side. It builds the same nodes as the matrix form relu(x @ W + b).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "gradc/tensor.hpp"
#include "gradc/tensor_parse.hpp"
#include "parse/ast.hpp"
#include "parse/grammar.hpp"

namespace gradc::syntax {

// The operand an expression consists of, or null: `i` in x[i], `(0, 1)` in axis=(0, 1).
inline const ast::Operand* lone_operand(const ast::Expr& e) {
    if (!e.rest.empty() || !e.first.rest.empty() || !e.first.first.rest.empty()) return nullptr;
    const ast::Unary& u = e.first.first.first;
    if (u.minus != 0 || !u.power.exponents.empty()) return nullptr;
    return &u.power.base;
}

// The name a sum consists of, or null: `i` in (i == j).
inline const ast::Name* lone_name(const ast::Sum& s) {
    if (!s.rest.empty() || !s.first.rest.empty()) return nullptr;
    const ast::Unary& u = s.first.first;
    if (u.minus != 0 || !u.power.exponents.empty()) return nullptr;
    return std::get_if<ast::Name>(&u.power.base.value);
}

// tensor_calls.cpp: whether `name` is a function of the matrix form (sum, diag, ...).
bool is_tensor_function(std::string_view name) noexcept;

inline std::string quoted(std::string_view s) { return "'" + std::string(s) + "'"; }

// A constant filled with one number is an array up to this many elements, a stretched
// number beyond.
inline constexpr std::size_t kLargestConstant = std::size_t{1} << 20;

// An elementwise expression over tensors, not yet a node.
struct Lazy {
    Expr body = nullptr;                      // over placeholders p0 ... of `operands`
    std::vector<Tensor> operands;             // distinct
    std::vector<std::string> labels;          // index form: each operand's axis labels
    Shape shape;                              // matrix form: the broadcast shape
    std::string out;                          // index form: the value's labels, in order
    bool index = false;                       // an index-form value
    // diag(v) of a vector, pending: '@' scales rows or columns by v; anything else
    // settles it into the diagonal matrix (settled()), which must have fixed size.
    Tensor diagonal = nullptr;
    ast::Position diagonal_at = nullptr;
};

class TensorLowerer final : public StatementSink {
public:
    TensorLowerer(TensorContext& ctx, std::string_view source);

    void declaration(ast::Declaration&& declaration) override;
    void binding(const ast::BindingHead& head) override;
    void result(ast::Position pos, bool first) override;
    void term(char op, ast::Position pos, ast::Product&& term) override;
    void compare(ast::Comparison&& comparison) override;
    void end_value(ast::Position semicolon) override;

    TensorProgram finish() &&;

    // --- used by the calls (tensor_calls.cpp) and the index form (lower_index.cpp) ---
    [[noreturn]] void fail(ast::Position at, std::string message) const;
    // Runs `build`, turning the TensorContext's SemanticError into a ParseError at `at`.
    Tensor guarded(ast::Position at, const std::function<Tensor()>& build) const;

    Lazy lower(const ast::Expr& e);
    Lazy lower(const ast::Operand& o);
    // The node of a matrix-form value; in index form, the labelled node in the order `want`.
    Tensor materialize(const Lazy& v, ast::Position at);
    Tensor materialize(const Lazy& v, std::string_view want, ast::Position at);
    Lazy wrap(Tensor t) const;
    Lazy wrap(Tensor t, std::string labels) const;
    Lazy constant(double value) const;
    // op applied elementwise: a and b joined into one body, with their shapes checked.
    Lazy combine(Op op, Lazy a, Lazy b, ast::Position at);
    Lazy apply(Op op, std::span<Lazy> args, ast::Position at);

    // A whole number written as a constant expression (an axis, a slice bound).
    std::int64_t whole_number(const ast::Expr& e, std::string_view what);

    TensorContext& ctx() const noexcept { return ctx_; }
    bool in_index_form() const noexcept { return !indices_.empty(); }
    // The label of a bound index name, or '\0'.
    char index_label(std::string_view name) const noexcept;
    // The label of a subscript that is a bound index name alone, or '\0'.
    char subscript_label(const ast::Subscript& s) const noexcept;
    // The range a definition's left side gives an index (`i:3`), if it gives one.
    std::optional<std::int64_t> range_of(char label) const noexcept;
    // Runs `f` as in the matrix form, with no index bound and no range given (a value
    // read by subscripts, (W @ b)[i]; a whole number in a subscript).
    template <class F>
    auto outside_index_form(F f) {
        auto indices = std::move(indices_);
        auto ranges = std::move(ranges_);
        indices_.clear();
        ranges_.clear();
        auto result = f();
        indices_ = std::move(indices);
        ranges_ = std::move(ranges);
        return result;
    }
    // sum(i, ...) / amax(i, ...): the index names bound while lowering the body.
    void push_index(const ast::Name& name);
    void pop_index() { indices_.pop_back(); }

private:
    struct Entry {
        Tensor tensor;
        ast::Position pos;
    };
    struct Value {
        bool is_binding = false;
        ast::BindingHead head;
        ast::Position pos = nullptr;
        std::size_t terms = 0;
        std::optional<Lazy> sum;
        bool compared = false;
    };

    Lazy lower(const ast::Sum& s);
    Lazy lower(const ast::Product& p);
    Lazy lower(const ast::Power& p);
    Lazy lower_name(const ast::Name& n);
    Lazy lower_number(const ast::Number& n);
    Lazy lower_postfix(const ast::Postfix& p);
    Lazy lower_list(const ast::List& l);
    Lazy lower_call(const ast::Call& c);  // tensor_calls.cpp
    Lazy lower_element(const ast::Postfix& p);  // lower_index.cpp
    Lazy lower_index_reduction(const ast::Call& c, bool max);  // lower_index.cpp
    // Σ coefficient·index + offset: an index expression such as 2*i+1.
    struct Affine {
        std::vector<std::pair<char, std::int64_t>> terms;
        std::int64_t offset = 0;
    };
    std::optional<Affine> affine_of(const ast::Expr& e) const;
    // Null when `body` is not of that form, with `whole` set to the body once lowered.
    std::optional<Lazy> lower_indicator_sum(const ast::Expr& body, const std::vector<char>& summed, ast::Position at,
                                            std::optional<Lazy>& whole);
    Lazy wrap_view(Tensor x, const std::string& labels, const std::vector<std::optional<Affine>>& affine,
                   ast::Position at);
    Lazy lower_tensor_function(std::string_view name, const ast::Call& c,  // tensor_functions.cpp
                               std::span<const ast::Expr* const> args, const ast::Expr* axis);
    Tensor tensor_argument(const ast::Expr& e);
    std::vector<std::size_t> axes_argument(const ast::Expr* axis, const Shape& of);
    std::size_t single_axis(const ast::Expr* axis, const Shape& of);
    Shape shape_argument(const ast::Expr& e);
    // The items of a tuple, or the expression alone.
    std::vector<const ast::Expr*> tuple_items(const ast::Expr& e);
    Lazy sliced(Tensor x, const ast::PostfixOp& op);
    Lazy negate(Lazy v, std::size_t times, ast::Position at);
    Lazy in_reading_order(Lazy v) const;
    Lazy settled(Lazy v);
    // The index tensor an operand names, `y` or `reshape(y, (N, 1))`, or null.
    Tensor index_tensor_of(const ast::Operand& o);
    void check_new_name(const ast::Name& name, std::string_view what) const;

    TensorContext& ctx_;
    std::string_view source_;
    TensorProgram out_;
    std::unordered_map<std::string_view, Entry> names_;
    std::vector<std::pair<std::string_view, char>> indices_;  // bound index names, innermost last
    std::vector<std::pair<char, std::int64_t>> ranges_;       // ranges written on the left side
    Value value_;
    bool results_started_ = false;
    bool ended_with_binding_ = false;
};

}  // namespace gradc::syntax
