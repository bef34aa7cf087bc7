// gradc's expression IR: an immutable, hash-consed DAG of scalar operations.
//
// Semantics, once for every layer:
// - All arithmetic is IEEE-754 double with round-to-nearest; functions follow the C
//   library (libm) on the host. Nothing is reassociated: `a + b + c` is `(a + b) + c`.
// - Comparisons (< <= > >= == !=) give 1.0 or 0.0; any comparison with NaN is false
//   except `!=`. `where(c, a, b)` is `a` when c != 0 (NaN counts as true), else `b`.
// - min and max return NaN when either operand is NaN (unlike fmin/fmax).
//   sign(x) is -1, 0 or 1 (and NaN for NaN); relu(x) is max(x, 0) and keeps NaN.
//   sigmoid and softplus are evaluated in their overflow-free forms.
// - The factory folds an op whose operands are all constants, and `where` with a
//   constant condition, by evaluating it exactly as at run time; it applies no other
//   rewrite. Identities that are false for inf or NaN (x*0 -> 0, x-x -> 0, x/x -> 1) are
//   only done by simplify(), which documents them (passes.hpp).
// - Derivative conventions at kinks and for `where` are documented in autodiff.hpp.
//
// Equality is identity: building an expression equal to an existing one returns the
// same node, so `a == b` compares whole DAGs in O(1) and common subexpressions are
// shared for free. Operands of commutative ops (+ * min max hypot == !=) are put in a
// canonical order that depends only on structure, never on addresses, so output is
// identical across runs: an operand that is itself the same op goes first (chains stay
// left-deep: (2*x)*y), else constants, then variables by name, then smaller trees.
//
// An ExprContext owns its nodes and frees them when destroyed; nodes from different
// contexts never mix. A context is not thread-safe: use one per thread, or guard it.
// Reading nodes (printing, evaluating, compiling) from many threads at once is safe
// while no thread builds new nodes in the same context.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace gradc {

enum class Op : std::uint8_t {
#define GRADC_OP(name, ...) name,
#include "gradc/ops.def"
#undef GRADC_OP
};

enum class OpForm : std::uint8_t { Leaf, Prefix, Infix, Call };

struct OpInfo {
    std::string_view spelling;  // canonical spelling, used by the printer
    int arity;
    OpForm form;
    bool commutative;
    std::string_view latex;
};

inline constexpr int kOpCount = 0
#define GRADC_OP(name, ...) +1
#include "gradc/ops.def"
#undef GRADC_OP
    ;

const OpInfo& op_info(Op op) noexcept;

// Evaluates one op on numbers: the scalar semantics shared by constant folding and
// the reference interpreter. Unused operands are ignored. Not for Const or Var.
double apply_op(Op op, double a, double b = 0.0, double c = 0.0) noexcept;

class Node;
using Expr = const Node*;

class Node {
public:
    Op op() const noexcept { return op_; }
    int arity() const noexcept { return arity_; }
    Expr arg(int i) const noexcept { return args_[i]; }
    std::span<const Expr> args() const noexcept { return {args_, static_cast<std::size_t>(arity_)}; }

    bool is_const() const noexcept { return op_ == Op::Const; }
    bool is_const(double v) const noexcept { return op_ == Op::Const && value_ == v; }
    bool is_var() const noexcept { return op_ == Op::Var; }
    double value() const noexcept { return value_; }         // Const only
    std::string_view name() const noexcept { return *name_; }  // Var only

    // Creation index within its context: children always have smaller ids, so
    // sorting by id is a topological order.
    std::uint32_t id() const noexcept { return id_; }
    // Longest path to a leaf (leaves are 0), saturating.
    std::uint32_t height() const noexcept { return height_; }
    // Hash of the structure alone (op, constants, names), the same in every run.
    std::uint64_t structural_hash() const noexcept { return hash_; }

private:
    friend class ExprContext;
    Op op_ = Op::Const;
    std::uint8_t arity_ = 0;
    std::uint32_t id_ = 0;
    std::uint32_t height_ = 0;
    std::uint64_t hash_ = 0;
    Expr args_[3] = {nullptr, nullptr, nullptr};
    double value_ = 0.0;
    const std::string* name_ = nullptr;
};

// Canonical structural order: negative when a sorts before b, 0 only when a == b.
int compare_structure(Expr a, Expr b) noexcept;

class ExprContext {
public:
    // The most nodes one context holds unless set_max_nodes() says otherwise: about
    // 5.5 GiB of nodes and tables (90 bytes a node), far past what formulas and their
    // derivatives need, and short of exhausting a machine's memory unannounced.
    static constexpr std::size_t kDefaultMaxNodes = 64'000'000;

    ExprContext();
    ~ExprContext();
    ExprContext(const ExprContext&) = delete;
    ExprContext& operator=(const ExprContext&) = delete;

    Expr constant(double v);
    Expr variable(std::string_view name);
    // The variable called `name`, or nullptr when none was created.
    Expr find_variable(std::string_view name) const;

    // The one factory: checks arity, orders commutative operands, folds constants,
    // and returns the existing node when an equal one exists.
    Expr make(Op op, std::span<const Expr> args);
    Expr make(Op op, Expr a) { return make(op, std::span<const Expr>(&a, 1)); }
    Expr make(Op op, Expr a, Expr b) {
        const Expr args[2] = {a, b};
        return make(op, args);
    }
    Expr make(Op op, Expr a, Expr b, Expr c) {
        const Expr args[3] = {a, b, c};
        return make(op, args);
    }

    Expr add(Expr a, Expr b) { return make(Op::Add, a, b); }
    Expr sub(Expr a, Expr b) { return make(Op::Sub, a, b); }
    Expr mul(Expr a, Expr b) { return make(Op::Mul, a, b); }
    Expr div(Expr a, Expr b) { return make(Op::Div, a, b); }
    Expr neg(Expr a) { return make(Op::Neg, a); }
    Expr pow(Expr a, Expr b) { return make(Op::Pow, a, b); }

    // Makes room for about `nodes` more nodes, so building a large DAG does not
    // rehash along the way. Only a hint.
    void reserve(std::size_t nodes);

    // Number of distinct nodes ever built in this context.
    std::size_t node_count() const noexcept;

    // The most distinct nodes this context may hold. Building one more (a node that
    // does not exist yet) throws LimitError, which names the limit and how to raise it;
    // finding an existing node never does. The context stays usable after the error.
    // Ids are 32 bits, so at most 2^32 - 1 whatever is asked.
    void set_max_nodes(std::size_t max_nodes) noexcept;
    std::size_t max_nodes() const noexcept;

    // True when `e` is a node of this context.
    bool owns(Expr e) const noexcept;

    // Every node, in creation (topological) order; valid until the next build.
    Expr node(std::size_t id) const noexcept;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The nodes reachable from `roots`, each once, children before parents. Iterative:
// safe for DAGs of any depth.
std::vector<Expr> topological_order(std::span<const Expr> roots);
inline std::vector<Expr> topological_order(Expr root) { return topological_order(std::span<const Expr>(&root, 1)); }

// The variables reachable from `roots`, in the order a left-to-right reading of the
// printed expressions meets them (the parser keeps source order separately).
std::vector<Expr> free_variables(std::span<const Expr> roots);

}  // namespace gradc
