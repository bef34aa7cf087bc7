// The reference interpreter of tensor programs, and the bound shapes and index values
// it shares with the scalar expansion.
#include <cmath>
#include <string>
#include <unordered_map>

#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/tensor.hpp"
#include "tensor/expand.hpp"

namespace gradc {

const TensorValue* TensorBindings::find(std::string_view name) const noexcept {
    for (const auto& [n, v] : inputs)
        if (n == name) return &v;
    return nullptr;
}

namespace tensor {
namespace {

const TensorValue& bound_input(Tensor node, const TensorBindings& bindings) {
    const TensorValue* v = bindings.find(node->name());
    if (v == nullptr) throw SemanticError("no value for the input '" + std::string(node->name()) + "'");
    return *v;
}

std::string dims_text(const std::vector<std::size_t>& dims) {
    std::string text = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) text.append(i ? "," : "").append(std::to_string(dims[i]));
    return text + "]";
}

// The index of placeholder p<k>, from its name.
std::size_t placeholder_index(Expr v) { return std::stoul(std::string(v->name().substr(1))); }

// Doubles, through the scalar interpreter for map bodies (one program per body).
class Numbers {
public:
    using Value = double;
    explicit Numbers(const TensorBindings& bindings) : bindings_(bindings) {}

    double input(Tensor node, std::span<const std::size_t>, std::size_t offset) {
        return bound_input(node, bindings_).reals[offset];
    }
    double constant(double v) { return v; }
    double add(double a, double b) { return a + b; }
    double mul(double a, double b) { return a * b; }
    double max(double a, double b) { return apply_op(Op::Max, a, b); }
    double apply(Expr body, std::span<const double> args) {
        auto it = programs_.find(body);
        if (it == programs_.end()) {
            Program p;
            p.inputs = free_variables(std::span<const Expr>(&body, 1));
            for (const Expr v : p.inputs) p.positions.push_back(placeholder_index(v));
            p.run = std::make_unique<Interpreter>(std::span<const Expr>(&body, 1), p.inputs);
            it = programs_.emplace(body, std::move(p)).first;
        }
        Program& p = it->second;
        p.scratch.resize(p.positions.size());
        for (std::size_t i = 0; i < p.positions.size(); ++i) p.scratch[i] = args[p.positions[i]];
        double out = 0;
        p.run->run(p.scratch, std::span<double>(&out, 1));
        return out;
    }

private:
    struct Program {
        std::vector<Expr> inputs;
        std::vector<std::size_t> positions;  // the operand each input stands for
        std::unique_ptr<Interpreter> run;
        std::vector<double> scratch;
    };
    const TensorBindings& bindings_;
    std::unordered_map<Expr, Program> programs_;
};

}  // namespace

std::vector<std::size_t> bound_dims(Tensor node, const TensorBindings& bindings) {
    const std::vector<std::size_t> dims = node->shape().bound(bindings.rows);
    if (node->kind() == TensorKind::Param || node->kind() == TensorKind::Data) {
        const TensorValue& v = bound_input(node, bindings);
        if (v.shape != dims)
            throw SemanticError("the input '" + std::string(node->name()) + "' is declared " + node->shape().text() +
                                " (" + dims_text(dims) + " with N = " + std::to_string(bindings.rows) +
                                ") but its value is " + dims_text(v.shape));
        const std::size_t count = node->shape().elements(bindings.rows);
        const std::size_t given = node->type() == ElementType::Index ? v.indices.size() : v.reals.size();
        if (given != count)
            throw SemanticError("the value of '" + std::string(node->name()) + "' holds " + std::to_string(given) +
                                (node->type() == ElementType::Index ? " indices" : " numbers") + " for " +
                                std::to_string(count) + " elements");
    }
    node->shape().elements(bindings.rows);  // overflow
    return dims;
}

const std::vector<std::int64_t>& index_values(Tensor node, const TensorBindings& bindings) {
    while (node->kind() == TensorKind::Reshape) node = node->operand(0);  // the same elements in order
    return bound_input(node, bindings).indices;
}

std::size_t checked_position(Tensor index, std::int64_t value, std::size_t size) {
    while (index->kind() == TensorKind::Reshape) index = index->operand(0);
    if (value < 0 || static_cast<std::uint64_t>(value) >= size)
        throw Error("the index tensor '" + std::string(index->name()) + "' holds " + std::to_string(value) +
                    ", outside 0 ... " + std::to_string(size) + " - 1 of the axis it indexes");
    return static_cast<std::size_t>(value);
}

}  // namespace tensor

std::vector<TensorValue> evaluate(std::span<const Tensor> outputs, const TensorBindings& bindings) {
    tensor::Numbers numbers(bindings);
    std::vector<std::vector<double>> values = tensor::expand(outputs, bindings, numbers);
    std::vector<TensorValue> out;
    for (std::size_t i = 0; i < outputs.size(); ++i)
        out.push_back(TensorValue{outputs[i]->shape().bound(bindings.rows), std::move(values[i]), {}});
    return out;
}

}  // namespace gradc
