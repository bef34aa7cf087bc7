#include <algorithm>
#include <bit>
#include <cmath>
#include <deque>
#include <limits>
#include <string>
#include <unordered_map>

#include "gradc/error.hpp"
#include "gradc/expr.hpp"
#include "ir/hash.hpp"
#include "ir/intern_table.hpp"
#include "ir/node_arena.hpp"

namespace gradc {

namespace {

struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

}  // namespace

struct ExprContext::Impl {
    ir::NodeArena nodes;  // stable addresses; index == id
    std::deque<std::string> names;
    ir::InternTable constants;  // by bit pattern
    std::unordered_map<std::string, Node*, StringHash, std::equal_to<>> variables;
    ir::InternTable interior;
    std::size_t max_nodes = ExprContext::kDefaultMaxNodes;

    // Called before anything changes, so a refused node leaves the context as it was.
    Node& fresh(Op op) {
        if (nodes.size() >= max_nodes)
            throw LimitError("more than " + std::to_string(max_nodes) +
                             " distinct nodes in one expression context, its limit: raise it with "
                             "ExprContext::set_max_nodes (gradc --max-nodes), or split the work over several "
                             "contexts");
        Node& n = nodes.emplace();
        n.op_ = op;
        n.id_ = static_cast<std::uint32_t>(nodes.size() - 1);
        return n;
    }
};

ExprContext::ExprContext() : impl_(std::make_unique<Impl>()) {}
ExprContext::~ExprContext() = default;

std::size_t ExprContext::node_count() const noexcept { return impl_->nodes.size(); }

void ExprContext::set_max_nodes(std::size_t max_nodes) noexcept {
    // Ids are 32 bits: the largest one must still fit.
    impl_->max_nodes = std::min<std::size_t>(max_nodes, std::numeric_limits<std::uint32_t>::max());
}

std::size_t ExprContext::max_nodes() const noexcept { return impl_->max_nodes; }

bool ExprContext::owns(Expr e) const noexcept { return e->id() < impl_->nodes.size() && node(e->id()) == e; }
Expr ExprContext::node(std::size_t id) const noexcept { return &impl_->nodes[id]; }

Expr ExprContext::constant(double v) {
    // One NaN: every NaN payload folds to the same node so printing and hashing are stable.
    if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();
    const auto bits = std::bit_cast<std::uint64_t>(v);
    const std::uint64_t hash = ir::hash_combine(ir::hash_mix(static_cast<std::uint64_t>(Op::Const)), bits);
    std::size_t slot = 0;
    auto same_bits = [bits](Expr n) { return std::bit_cast<std::uint64_t>(n->value()) == bits; };
    if (Expr existing = impl_->constants.find(hash, same_bits, slot)) return existing;
    Node& n = impl_->fresh(Op::Const);
    n.value_ = v;
    n.hash_ = hash;
    impl_->constants.insert(&n, hash, slot);
    return &n;
}

void ExprContext::reserve(std::size_t nodes) {
    impl_->interior.reserve(impl_->interior.size() + nodes);
    impl_->constants.reserve(impl_->constants.size() + nodes / 8);
}

Expr ExprContext::variable(std::string_view name) {
    if (auto it = impl_->variables.find(name); it != impl_->variables.end()) return it->second;
    Node& n = impl_->fresh(Op::Var);
    n.name_ = &impl_->names.emplace_back(name);
    n.hash_ = ir::hash_combine(ir::hash_mix(static_cast<std::uint64_t>(Op::Var)), ir::hash_string(name));
    impl_->variables.emplace(std::string(name), &n);
    return &n;
}

Expr ExprContext::find_variable(std::string_view name) const {
    auto it = impl_->variables.find(name);
    return it == impl_->variables.end() ? nullptr : it->second;
}

Expr ExprContext::make(Op op, std::span<const Expr> args) {
    const OpInfo& info = op_info(op);
    GRADC_ASSERT(info.form != OpForm::Leaf, "make() builds interior nodes; use constant() or variable()");
    GRADC_ASSERT(static_cast<int>(args.size()) == info.arity, "wrong operand count for op");
    Expr a[3] = {nullptr, nullptr, nullptr};
    bool all_const = true;
    for (std::size_t i = 0; i < args.size(); ++i) {
        GRADC_ASSERT(args[i] != nullptr, "null operand");
        a[i] = args[i];
        all_const = all_const && a[i]->is_const();
    }
    if (all_const) return constant(apply_op(op, a[0]->value(), a[1] ? a[1]->value() : 0.0, a[2] ? a[2]->value() : 0.0));
    if (op == Op::Where && a[0]->is_const()) return apply_op(Op::Where, a[0]->value(), 1.0, 0.0) != 0.0 ? a[1] : a[2];
    if (info.commutative) {
        // A chain of the same op goes left, so sums and products stay left-deep and
        // print without parentheses (2*x*y, not y*(2*x)); otherwise structural order.
        const bool left_chain = a[0]->op() == op, right_chain = a[1]->op() == op;
        if (left_chain != right_chain ? right_chain : compare_structure(a[1], a[0]) < 0) std::swap(a[0], a[1]);
    }

    const ir::InternKey key{op, a[0], a[1], a[2]};
    const std::uint64_t key_hash = key.hash();
    std::size_t slot = 0;
    auto same_key = [&key](Expr n) { return key.matches(n); };
    if (Expr existing = impl_->interior.find(key_hash, same_key, slot)) return existing;
    Node& n = impl_->fresh(op);
    n.arity_ = static_cast<std::uint8_t>(info.arity);
    std::uint64_t h = ir::hash_mix(static_cast<std::uint64_t>(op));
    std::uint32_t height = 0;
    for (int i = 0; i < info.arity; ++i) {
        n.args_[i] = a[i];
        h = ir::hash_combine(h, a[i]->hash_);
        height = std::max(height, a[i]->height_);
    }
    n.height_ = height == std::numeric_limits<std::uint32_t>::max() ? height : height + 1;
    n.hash_ = h;
    impl_->interior.insert(&n, key_hash, slot);
    return &n;
}

}  // namespace gradc
