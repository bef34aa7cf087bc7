// A map's body printed over its operands' fragments: the scalar language's operators
// and calls, elementwise. Walked once in topological order, no recursion.
#include <algorithm>
#include <limits>
#include <string>
#include <unordered_map>

#include "gradc/error.hpp"
#include "tensor/print.hpp"

namespace gradc::tensor {

namespace {

std::size_t placeholder_index(Expr e) {
    GRADC_ASSERT(e->is_var() && e->name().size() > 1 && e->name()[0] == 'p', "a map body reads only placeholders");
    return static_cast<std::size_t>(std::stoul(std::string(e->name().substr(1))));
}

std::size_t saturating_add(std::size_t a, std::size_t b) {
    return a > std::numeric_limits<std::size_t>::max() - b ? std::numeric_limits<std::size_t>::max() : a + b;
}

// One body node from its operands' fragments; `both_tensors` when each stands for
// more than one element.
Fragment apply(const Syntax& s, Expr e, std::span<const Fragment> a, bool both_tensors) {
    const Op op = e->op();
    const OpInfo& info = op_info(op);
    switch (op) {
        case Op::Const:
        case Op::Var: break;
        case Op::Neg: {
            const Fragment x = parenthesized(s, a[0], kPrintPower);
            return Fragment{"-" + x.text, kPrintUnary, Product::None, x.depth + 1, {}};
        }
        case Op::Pow: {
            const Fragment base = parenthesized(s, a[0], kPrintAtom);
            if (s.latex())
                return Fragment{base.text + "^{" + a[1].text + "}",
                                kPrintPower,
                                Product::None,
                                std::max(base.depth, a[1].depth) + 1,
                                {}};
            const Fragment exponent = parenthesized(s, a[1], kPrintUnary);
            return Fragment{base.text + "^" + exponent.text,
                            kPrintPower,
                            Product::None,
                            std::max(base.depth, exponent.depth) + 1,
                            {}};
        }
        case Op::Mul:
            // 1 * x is x exactly (a gradient's seed of ones, broadcast by NumPy's rules).
            if (a[0].text == "1") return a[1];
            if (a[1].text == "1") return a[0];
            if (a[0].text == "-1" || a[1].text == "-1") {  // -1 * x is -x exactly
                const Fragment x = parenthesized(s, a[0].text == "-1" ? a[1] : a[0], kPrintPower);
                return Fragment{"-" + x.text, kPrintUnary, Product::None, x.depth + 1, {}};
            }
            if (!s.latex()) return infix(s, a[0], " * ", a[1], kPrintProduct, Product::Elementwise);
            if (both_tensors) return infix(s, a[0], " \\odot ", a[1], kPrintProduct, Product::Elementwise);
            return infix(s, a[0], !a[1].text.empty() && a[1].text[0] >= '0' && a[1].text[0] <= '9' ? " \\cdot " : " ",
                         a[1], kPrintProduct, Product::Matrix);
        case Op::Div:
            if (!s.latex()) return infix(s, a[0], " / ", a[1], kPrintProduct, Product::Elementwise);
            return Fragment{"\\frac{" + a[0].text + "}{" + a[1].text + "}",
                            kPrintAtom,
                            Product::None,
                            std::max(a[0].depth, a[1].depth) + 1,
                            {}};
        case Op::Add:
            // x + x is 2 * x exactly (two equal contributions to one adjoint).
            if (a[0].text == a[1].text)
                return s.latex() ? infix(s, number(s, 2), " ", a[0], kPrintProduct, Product::Matrix)
                                 : infix(s, number(s, 2), " * ", a[0], kPrintProduct, Product::Elementwise);
            return infix(s, a[0], " + ", a[1], kPrintSum);
        case Op::Sub: return infix(s, a[0], " - ", a[1], kPrintSum);
        case Op::Lt:
        case Op::Le:
        case Op::Gt:
        case Op::Ge:
        case Op::Eq:
        case Op::Ne:
            return infix(s, a[0], " " + std::string(s.latex() ? info.latex : info.spelling) + " ", a[1], kPrintCompare);
        case Op::Sqrt:
            if (s.latex()) return Fragment{"\\sqrt{" + a[0].text + "}", kPrintAtom, Product::None, a[0].depth + 1, {}};
            break;
        case Op::Abs:
            if (s.latex())
                return Fragment{"\\left|" + a[0].text + "\\right|", kPrintAtom, Product::None, a[0].depth + 1, {}};
            break;
        case Op::Where:
            if (s.latex()) return call(s, "\\operatorname{where}", a);
            break;
        case Op::Cbrt:
        case Op::Exp:
        case Op::Expm1:
        case Op::Log:
        case Op::Log1p:
        case Op::Log2:
        case Op::Log10:
        case Op::Sin:
        case Op::Cos:
        case Op::Tan:
        case Op::Asin:
        case Op::Acos:
        case Op::Atan:
        case Op::Sinh:
        case Op::Cosh:
        case Op::Tanh:
        case Op::Asinh:
        case Op::Acosh:
        case Op::Atanh:
        case Op::Sign:
        case Op::Floor:
        case Op::Ceil:
        case Op::Erf:
        case Op::Erfc:
        case Op::Relu:
        case Op::Sigmoid:
        case Op::Softplus:
        case Op::Atan2:
        case Op::Hypot:
        case Op::Min:
        case Op::Max: break;
    }
    // Every other op is a call; LaTeX spells it as the op table's LaTeX column says.
    const bool command = s.latex() && !info.latex.empty() && info.latex != "\\left|" &&
                         info.latex != "\\left\\lfloor" && info.latex != "\\left\\lceil" && info.latex != "\\sqrt[3]";
    return call(
        s, command ? info.latex : (s.latex() ? "\\operatorname{" + std::string(info.spelling) + "}" : info.spelling),
        a);
}

// Which subexpressions of a body are bound: those referenced more than once whose text
// covers more than `share_above` scalar nodes, a bound one counting 1. By position in
// `order`, a topological order of the body.
std::vector<bool> shared_parts(std::span<const Expr> order, const std::unordered_map<Expr, std::size_t>& at,
                               std::size_t share_above) {
    std::vector<std::size_t> references(order.size(), 0), size(order.size(), 1);
    std::vector<bool> shared(order.size(), false);
    for (const Expr e : order)
        for (const Expr a : e->args()) ++references[at.at(a)];
    for (std::size_t k = 0; k < order.size(); ++k) {
        for (const Expr a : order[k]->args()) size[k] = saturating_add(size[k], size[at.at(a)]);
        if (order[k]->arity() > 0 && references[k] > 1 && size[k] > share_above) {
            shared[k] = true;
            size[k] = 1;
        }
    }
    return shared;
}

}  // namespace

std::vector<std::size_t> placeholder_uses(Expr body, std::size_t count, std::size_t share_above) {
    const std::vector<Expr> order = topological_order(body);
    std::unordered_map<Expr, std::size_t> at;
    for (std::size_t k = 0; k < order.size(); ++k) at[order[k]] = k;
    const std::vector<bool> shared = shared_parts(order, at, share_above);
    // Occurrences in the printed text: a bound part is written once, in its binding.
    std::vector<std::size_t> paths(order.size(), 0);
    paths[at[body]] = 1;
    for (std::size_t k = order.size(); k-- > 0;) {
        const std::size_t written = shared[k] && paths[k] > 0 ? 1 : paths[k];
        for (const Expr a : order[k]->args()) paths[at[a]] = saturating_add(paths[at[a]], written);
    }
    std::vector<std::size_t> uses(count, 0);
    for (std::size_t k = 0; k < order.size(); ++k)
        if (order[k]->is_var()) uses[placeholder_index(order[k])] = paths[k];
    return uses;
}

Fragment print_body(const Syntax& s, Expr body, std::span<const Fragment> placeholders,
                    const std::vector<bool>& tensors, std::size_t share_above, const Share& share) {
    const std::vector<Expr> order = topological_order(body);
    std::unordered_map<Expr, std::size_t> at;
    for (std::size_t k = 0; k < order.size(); ++k) at[order[k]] = k;
    const std::vector<bool> shared = shared_parts(order, at, share_above);
    struct Printed {
        Fragment fragment;
        bool tensor = false;
    };
    std::vector<Printed> printed(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        const Expr e = order[k];
        Printed& p = printed[k];
        if (e->is_var()) {
            const std::size_t i = placeholder_index(e);
            p.fragment = placeholders[i];
            p.tensor = tensors[i];
            continue;
        }
        if (e->is_const()) {
            p.fragment = number(s, e->value());
            continue;
        }
        std::vector<Fragment> args;
        bool all_tensors = true;
        for (const Expr a : e->args()) {
            const Printed& q = printed[at[a]];
            args.push_back(q.fragment);
            all_tensors = all_tensors && q.tensor;
            p.tensor = p.tensor || q.tensor;
        }
        p.fragment = apply(s, e, args, all_tensors);
        if (shared[k]) p.fragment = share(std::move(p.fragment));
    }
    return printed[at[body]].fragment;
}

}  // namespace gradc::tensor
