// Infix text that parses back to the identical node.
//
// Two passes over the DAG in topological order, both iterative and linear:
//  1. plan: count uses, measure each node's inline text (nodes covered, parser
//     nesting) and decide which nodes are printed once as bindings `tK = ...;`;
//  2. emit: write the bindings, then the outputs, into one string with an explicit
//     work stack, so a million-deep chain neither recurses nor copies strings.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/print.hpp"
#include "ir/node_index.hpp"
#include "ir/precedence.hpp"

namespace gradc {

namespace {

using ir::op_precedence;
using enum ir::Prec;

// The parser reads `-2` as minus applied to 2, which the factory folds, so a negative
// constant is printed, and parenthesized, exactly like a unary minus.
bool is_negative_constant(Expr e) { return e->is_const() && !std::isnan(e->value()) && std::signbit(e->value()); }

int precedence(Expr e) { return is_negative_constant(e) ? kUnary : op_precedence(e->op()); }

// `2*x + 1`: products and powers are written tight, everything else spaced.
bool is_tight(Op op) { return op == Op::Pow || op == Op::Mul || op == Op::Div; }

std::uint64_t saturating_add(std::uint64_t a, std::uint64_t b) {
    return a > std::numeric_limits<std::uint64_t>::max() - b ? std::numeric_limits<std::uint64_t>::max() : a + b;
}

struct NodeInfo {
    std::uint32_t uses = 0;    // references from printed parents and from the outputs
    std::uint64_t size = 1;    // nodes the inline text covers (bound operands count 1)
    std::uint64_t depth = 0;   // parser nesting of the inline text
    bool leads_minus = false;  // the inline text starts with '-'
    bool bound = false;        // printed once as `tK = ...;` and referred to by name
    std::uint32_t name = 0;    // index into InfixPrinter::names_ once printed
};

class InfixPrinter {
public:
    InfixPrinter(std::span<const Expr> outputs, const PrintOptions& options)
        : outputs_(outputs),
          share_above_(options.share_above),
          max_nesting_(std::max<std::size_t>(options.max_nesting, 1)),
          order_(topological_order(outputs)),
          index_(order_) {
        info_.resize(order_.size());
        for (Expr e : order_)
            if (e->is_var()) taken_names_.emplace(e->name());
        for (const auto& [node, name] : options.names) {
            taken_names_.insert(name);
            const std::uint32_t at = index_(node);
            if (at != ir::NodeIndex::npos && node->arity() > 0) preferred_.emplace(at, name);
        }
    }

    InfixListing print() {
        plan();
        InfixListing listing;
        for (std::size_t k = 0; k < order_.size(); ++k) {
            NodeInfo& n = info_[k];
            if (!n.bound) continue;
            n.name = static_cast<std::uint32_t>(names_.size());
            auto preferred = preferred_.find(static_cast<std::uint32_t>(k));
            names_.push_back(preferred != preferred_.end() ? preferred->second : fresh_name());
            std::string text;
            emit(text, order_[k], true);
            listing.bindings.emplace_back(names_.back(), std::move(text));
        }
        for (Expr out : outputs_) {
            std::string text;
            emit(text, out, false);
            listing.outputs.push_back(std::move(text));
        }
        return listing;
    }

private:
    NodeInfo& info(Expr e) { return info_[index_(e)]; }
    const NodeInfo& info(Expr e) const { return info_[index_(e)]; }

    // Whether `child`, as operand `slot` of `parent`, must be wrapped in parentheses
    // for the parser to rebuild the same node (or, for a leading minus after a binary
    // operator, to read well: `x + (-2)` rather than `x + -2`).
    bool needs_parens(Expr parent, int slot, Expr child) const {
        const NodeInfo& c = info(child);
        if (c.bound) return false;
        const int p = precedence(child);
        switch (op_info(parent->op()).form) {
            case OpForm::Leaf:
            case OpForm::Call: return false;
            case OpForm::Prefix: return p < kPower;  // -(a*b), -(-x); but -x^2
            case OpForm::Infix: break;
        }
        if (parent->op() == Op::Pow) {
            if (slot == 0) return p < kAtom;  // (x^y)^z, (-x)^2
            if (p >= kPower || is_negative_constant(child)) return false;  // x^y^z, x^-2
            // 2^-x and 2^-sin(x) read well; 2^(-x^y) needs the help.
            if (child->op() == Op::Neg) return !(info(child->arg(0)).bound || precedence(child->arg(0)) == kAtom);
            return true;
        }
        const int own = precedence(parent);
        // Sums and products associate to the left and comparisons not at all, so
        // only a left operand of a sum or product may have the same precedence.
        if (slot == 0) return p < (own == kCompare ? kSum : own);
        return p <= own || (own != kCompare && c.leads_minus);
    }

    // Whether the parser descends one level to read this operand: parentheses, call
    // arguments, the operand of unary minus and an exponent all recurse.
    bool nests(Expr parent, int slot, Expr child) const {
        if (needs_parens(parent, slot, child)) return true;
        const OpForm form = op_info(parent->op()).form;
        return form == OpForm::Call || form == OpForm::Prefix || (parent->op() == Op::Pow && slot == 1);
    }

    void plan() {
        for (Expr out : outputs_) ++info(out).uses;
        for (Expr e : order_)
            for (Expr a : e->args()) ++info(a).uses;
        for (Expr e : order_) {
            NodeInfo& n = info(e);
            if (e->arity() == 0) {
                n.leads_minus = is_negative_constant(e);
                continue;
            }
            for (int slot = 0; slot < e->arity(); ++slot) {
                Expr a = e->arg(slot);
                NodeInfo& c = info(a);
                // An operand nested too deep becomes a binding, so that the text
                // stays within the parser's nesting limit.
                if (!c.bound && a->arity() > 0 && c.depth + (nests(e, slot, a) ? 1 : 0) > max_nesting_) c.bound = true;
                const std::uint64_t inner = c.bound ? 0 : c.depth;
                n.depth = std::max(n.depth, inner + (nests(e, slot, a) ? 1 : 0));
                n.size = saturating_add(n.size, c.bound ? 1 : c.size);
            }
            const OpForm form = op_info(e->op()).form;
            if (form == OpForm::Prefix) {
                n.leads_minus = true;
            } else if (form == OpForm::Infix && e->op() != Op::Pow) {
                Expr left = e->arg(0);
                n.leads_minus = !info(left).bound && !needs_parens(e, 0, left) && info(left).leads_minus;
            }
            // A shared subexpression printed inline would be repeated at each use;
            // past a small size, a name keeps the text linear in the DAG. A node the
            // caller named keeps its name.
            if ((n.uses > 1 && n.size > share_above_) || preferred_.contains(index_(e))) n.bound = true;
        }
    }

    // t1, t2, ... skipping the variables' names and the caller's names.
    std::string fresh_name() {
        std::string name;
        do {
            name = "t" + std::to_string(++next_name_);
        } while (taken_names_.contains(name));
        return name;
    }

    // Writes `root`; `expand` writes its structure even when it is bound, as the
    // text of its own binding.
    void emit(std::string& out, Expr root, bool expand) {
        struct Task {
            Expr node;              // nullptr: write `text`
            std::string_view text;
            bool parens = false;
            bool expand = false;    // print the structure even if the node is bound
        };
        std::vector<Task> stack;
        stack.push_back({root, {}, false, expand});
        while (!stack.empty()) {
            const Task task = stack.back();
            stack.pop_back();
            if (task.node == nullptr) {
                out += task.text;
                continue;
            }
            Expr e = task.node;
            const NodeInfo& n = info(e);
            if (n.bound && !task.expand) {
                out += names_[n.name];
                continue;
            }
            if (task.parens) {
                out += '(';
                stack.push_back({nullptr, ")"});
            }
            const OpInfo& op = op_info(e->op());
            switch (op.form) {
                case OpForm::Leaf:
                    if (e->is_var())
                        out += e->name();
                    else
                        out += format_number(e->value());
                    break;
                case OpForm::Prefix:
                    out += op.spelling;
                    stack.push_back({e->arg(0), {}, needs_parens(e, 0, e->arg(0))});
                    break;
                case OpForm::Infix:
                    stack.push_back({e->arg(1), {}, needs_parens(e, 1, e->arg(1))});
                    if (is_tight(e->op())) {
                        stack.push_back({nullptr, op.spelling});
                    } else {
                        stack.push_back({nullptr, " "});
                        stack.push_back({nullptr, op.spelling});
                        stack.push_back({nullptr, " "});
                    }
                    stack.push_back({e->arg(0), {}, needs_parens(e, 0, e->arg(0))});
                    break;
                case OpForm::Call:
                    out += op.spelling;
                    out += '(';
                    stack.push_back({nullptr, ")"});
                    for (int i = e->arity() - 1; i >= 0; --i) {
                        stack.push_back({e->arg(i), {}});
                        if (i > 0) stack.push_back({nullptr, ", "});
                    }
                    break;
            }
        }
    }

    std::span<const Expr> outputs_;
    std::size_t share_above_;
    std::size_t max_nesting_;
    std::vector<Expr> order_;
    ir::NodeIndex index_;
    std::vector<NodeInfo> info_;
    std::vector<std::string> names_;
    std::unordered_set<std::string> taken_names_;
    std::unordered_map<std::uint32_t, std::string> preferred_;  // by position in order_
    std::uint32_t next_name_ = 0;
};

}  // namespace

InfixListing to_infix_listing(std::span<const Expr> outputs, const PrintOptions& options) {
    return InfixPrinter(outputs, options).print();
}

std::string to_infix(std::span<const Expr> outputs, const PrintOptions& options) {
    const InfixListing listing = to_infix_listing(outputs, options);
    std::string out;
    for (const auto& [name, text] : listing.bindings) out += name + " = " + text + "; ";
    for (std::size_t i = 0; i < listing.outputs.size(); ++i) out += (i > 0 ? ", " : "") + listing.outputs[i];
    return out;
}

}  // namespace gradc
