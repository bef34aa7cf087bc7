// scalarize(): a tensor program expanded into the scalar DAG, element by element, the
// oracle the tensor rules are tested against.
#include <string>
#include <unordered_map>

#include "gradc/tensor.hpp"
#include "tensor/expand.hpp"

namespace gradc {
namespace {

class Scalars {
public:
    using Value = Expr;
    explicit Scalars(ExprContext& ctx) : ctx_(ctx) {}

    Expr input(Tensor node, std::span<const std::size_t> index, std::size_t) {
        return ctx_.variable(scalar_input_name(node->name(), index));
    }
    Expr constant(double v) { return ctx_.constant(v); }
    Expr add(Expr a, Expr b) { return ctx_.add(a, b); }
    Expr mul(Expr a, Expr b) { return ctx_.mul(a, b); }
    Expr max(Expr a, Expr b) { return ctx_.make(Op::Max, a, b); }
    // The body with each placeholder p<k> replaced by args[k] (the body lives in the
    // tensor context's scalars, `ctx_` may be another context: rebuilt node by node).
    Expr apply(Expr body, std::span<const Expr> args) {
        std::unordered_map<Expr, Expr> done;
        for (const Expr n : topological_order(body)) {
            Expr e = nullptr;
            if (n->is_var()) {
                e = args[std::stoul(std::string(n->name().substr(1)))];
            } else if (n->is_const()) {
                e = ctx_.constant(n->value());
            } else {
                Expr a[3];
                for (int i = 0; i < n->arity(); ++i) a[i] = done.at(n->arg(i));
                e = ctx_.make(n->op(), std::span<const Expr>(a, static_cast<std::size_t>(n->arity())));
            }
            done.emplace(n, e);
        }
        return done.at(body);
    }

private:
    ExprContext& ctx_;
};

}  // namespace

std::string scalar_input_name(std::string_view name, std::span<const std::size_t> index) {
    std::string text(name);
    if (index.empty()) return text;
    text += '[';
    for (std::size_t i = 0; i < index.size(); ++i) text.append(i ? "," : "").append(std::to_string(index[i]));
    return text + ']';
}

std::vector<std::vector<Expr>> scalarize(ExprContext& scalars, std::span<const Tensor> outputs,
                                         const TensorBindings& bindings) {
    Scalars policy(scalars);
    return tensor::expand(outputs, bindings, policy);
}

}  // namespace gradc
