#include "tensor_formula.hpp"

#include <algorithm>

#include "codegen.hpp"
#include "gradc/error.hpp"
#include "gradc/tensor_parse.hpp"
#include "tensor_values.hpp"

namespace gradc::cli {

TensorFormula load_tensor_formula(TensorContext& ctx, const CommandOptions& options, const std::string& source,
                                  AtNeeds needs) {
    ctx.set_max_nodes(limits().max_nodes);
    ctx.scalars().set_max_nodes(limits().max_nodes);
    TensorProgram program = parse_tensor_program(ctx, source, limits().parse);
    TensorFormula formula{std::move(program.outputs),
                          std::move(program.inputs),
                          std::move(program.bindings),
                          {},
                          false,
                          std::nullopt,
                          options.jit};
    formula.wrt_given = options.wrt_option != nullptr && options.wrt_option->count() > 0;
    formula.wrt = formula.wrt_given ? select_tensor_wrt(options.wrt, formula.inputs) : param_inputs(formula.inputs);
    if (options.at_option != nullptr && options.at_option->count() > 0) {
        std::vector<Tensor> required;
        for (const Tensor input : formula.inputs)
            if (needs == AtNeeds::Every || input->kind() == TensorKind::Data) required.push_back(input);
        formula.point = bind_tensor_inputs(formula.inputs, parse_tensor_options(options.at), required);
    }
    return formula;
}

TensorFunction tensor_evaluator(const TensorFormula& formula, std::vector<Tensor> outputs) {
    if (formula.jit) return compiled_tensor_values(outputs, formula.inputs);
    return [outputs = std::move(outputs)](const TensorBindings& at) { return evaluate(outputs, at); };
}

std::vector<TensorValue> tensor_values(const TensorFormula& formula, std::vector<Tensor> outputs) {
    GRADC_ASSERT(formula.point.has_value(), "tensor_values without a point");
    return tensor_evaluator(formula, std::move(outputs))(*formula.point);
}

const TensorBindings& tensor_point(const TensorFormula& formula, const char* command) {
    if (formula.point) return *formula.point;
    std::string message = command;
    message.append(" needs a value for every input, as in --at 'w=[0.5,-1]'; the program's inputs are ");
    for (std::size_t i = 0; i < formula.inputs.size(); ++i)
        message.append(i ? ", " : "")
            .append(formula.inputs[i]->name())
            .append(": ")
            .append(declaration_text(formula.inputs[i]));
    throw Error(message);
}

TensorPrintOptions tensor_names(TensorContext& ctx, const TensorFormula& formula) {
    // The program's names for its own parts, on their canonical forms: the derivatives
    // are printed canonicalized, and those which contain a part say so by name.
    std::vector<Tensor> nodes;
    for (const auto& binding : formula.bindings) nodes.push_back(binding.second);
    const std::vector<Tensor> canonical = canonicalize(ctx, nodes);
    TensorPrintOptions print;
    const auto add = [&](Tensor node, const std::string& name) {
        const bool input = node->kind() == TensorKind::Param || node->kind() == TensorKind::Data;
        const bool named = std::any_of(print.names.begin(), print.names.end(),
                                       [&](const auto& n) { return n.first == node || n.second == name; });
        if (!input && !named) print.names.emplace_back(node, name);
    };
    for (std::size_t i = 0; i < nodes.size(); ++i) add(canonical[i], formula.bindings[i].first);
    return print;
}

std::string tensor_partial(const Notation& notation, std::string_view name) {
    std::string out = notation.d;
    return out.append("/").append(notation.d).append(name);
}

std::string tensor_second(const Notation& notation, std::string_view name) {
    std::string out = notation.d;
    const std::string two = notation.exponent(2);
    return out.append(two).append("/").append(notation.d).append(name).append(two);
}

std::string tensor_one_line(std::span<const Tensor> outputs) {
    std::string text = tensor_text(outputs);
    std::replace(text.begin(), text.end(), '\n', ' ');
    return text;
}

}  // namespace gradc::cli
