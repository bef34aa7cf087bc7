// grad, hessian, jacobian and eval of tensor programs: derivatives as matrix
// expressions (canonicalize, then the matrix form of tensor_print.hpp), values as
// nested lists, from the reference interpreter or with --jit a compiled kernel.
#include <iostream>

#include "gradc/error.hpp"
#include "gradc/tensor_print.hpp"
#include "tensor_formula.hpp"
#include "tensor_output.hpp"

namespace gradc::cli {
namespace {

// "# result 2: sum(X @ w)" before each result's block when there are several.
void print_tensor_header(const TensorFormula& formula, std::size_t k) {
    if (formula.outputs.size() < 2) return;
    std::cout << (k ? "\n" : "") << "# result " << k + 1 << ": " << tensor_one_line({&formula.outputs[k], 1}) << '\n';
}

// grad and hessian differentiate results that are single numbers.
void require_scalar(const TensorFormula& formula, std::size_t k, const char* command) {
    const Tensor output = formula.outputs[k];
    if (output->shape().rank() == 0) return;
    std::string message = command;
    message.append(" needs results that are single numbers, and ");
    message.append(formula.outputs.size() > 1 ? "result " + std::to_string(k + 1) : std::string("the result"));
    message.append(" has shape ").append(output->shape().text());
    throw Error(message.append(": sum it, as in sum(...), or use jacobian"));
}

void require_wrt(const TensorFormula& formula) {
    if (!formula.wrt.empty()) return;
    throw Error("the program has no param to differentiate by; name real data with --wrt, as in --wrt X");
}

// The matrix-form text of `outputs`, canonicalized; bindings printed as `t1 = ...` lines.
std::vector<std::string> print_symbolic(TensorContext& ctx, const TensorFormula& formula,
                                        const std::vector<Tensor>& outputs) {
    const std::vector<Tensor> canonical = canonicalize(ctx, outputs);
    const TensorListing listing =
        tensor_listing(canonical, TensorForm::Matrix, TensorSyntax::Text, tensor_names(ctx, formula));
    for (const auto& [name, value] : listing.bindings) std::cout << name << " = " << value << '\n';
    return listing.outputs;
}

// Symbolic entries for JSON: each canonicalized and on one line of its own.
JsonArray symbolic_json(TensorContext& ctx, const std::vector<Tensor>& outputs) {
    JsonArray entries;
    for (const Tensor t : canonicalize(ctx, outputs)) entries.emplace_back(tensor_one_line({&t, 1}));
    return entries;
}

// Entries for JSON: values at the point as nested lists, or symbolic text.
JsonArray json_entries(TensorContext& ctx, const TensorFormula& formula, const std::vector<Tensor>& outputs) {
    if (!formula.point) return symbolic_json(ctx, outputs);
    JsonArray entries;
    for (const TensorValue& v : tensor_values(formula, outputs)) entries.push_back(tensor_value_json(v));
    return entries;
}

// The value, then the gradient by each wrt: one list for one result.
std::vector<Tensor> value_and_gradient(TensorContext& ctx, const TensorFormula& formula, std::size_t k) {
    std::vector<Tensor> all = tensor_gradient(ctx, formula.outputs[k], formula.wrt);
    all.insert(all.begin(), formula.outputs[k]);
    return all;
}

// Jacobians and Hessians are seeded with the identity of wrt's shape, which must be
// fixed: by data of N rows they would be N-by-N.
void refuse_rows(Tensor wrt, const char* command) {
    if (!wrt->shape().has_rows()) return;
    std::string message = command;
    message.append(" by ").append(wrt->name()).append(" is not offered: its shape ").append(wrt->shape().text());
    message.append(" has the row count N, which would make the result N by N; take grad by it, or ").append(command);
    throw Error(message.append(" by a param"));
}

// The Jacobian of `output` by `wrt`, shaped output ++ wrt: forward mode along every
// direction of wrt at once (the delta), then the batch axes moved last. For a single
// number it is the gradient, which reverse mode writes as grad does.
Tensor tensor_jacobian(TensorContext& ctx, Tensor output, Tensor wrt) {
    if (output->shape().rank() == 0) return tensor_gradient(ctx, output, {&wrt, 1})[0];
    const Shape& by = wrt->shape();
    refuse_rows(wrt, "jacobian");
    const Tensor direction = ctx.delta(by);
    const std::vector<Tensor> jvp = tensor_jvp(ctx, {&output, 1}, {&wrt, 1}, {&direction, 1}, by);
    const std::size_t m = output->shape().rank(), n = by.rank();
    std::vector<std::size_t> perm;
    for (std::size_t k = 0; k < m; ++k) perm.push_back(n + k);
    for (std::size_t k = 0; k < n; ++k) perm.push_back(k);
    return m == 0 || n == 0 ? jvp[0] : ctx.permute(jvp[0], perm);
}

// The one input hessian differentiates by: --wrt's, or the program's only param.
Tensor hessian_wrt(const TensorFormula& formula) {
    if (formula.wrt_given && formula.wrt.size() == 1) return formula.wrt.front();
    if (formula.wrt_given) throw Error("hessian of a tensor program takes one input: give one name, as in --wrt w");
    if (formula.wrt.size() == 1) return formula.wrt.front();
    std::string message = "hessian of a tensor program needs --wrt naming one param or real data, as in --wrt ";
    message.append(formula.wrt.empty() ? std::string("X") : std::string(formula.wrt.front()->name()));
    throw Error(message.append("; the program's inputs are ").append(input_names(formula.inputs)));
}

}  // namespace

int run_tensor_grad(const CommandOptions& options, const std::string& source) {
    TensorContext ctx;
    const TensorFormula formula = load_tensor_formula(ctx, options, source);
    require_wrt(formula);
    const Notation notation(options.ascii);
    if (options.json) {
        JsonArray values, gradients;
        for (std::size_t k = 0; k < formula.outputs.size(); ++k) {
            require_scalar(formula, k, "grad");
            const JsonArray entries = json_entries(ctx, formula, value_and_gradient(ctx, formula, k));
            values.push_back(entries[0]);
            JsonObject gradient;
            for (std::size_t i = 0; i < formula.wrt.size(); ++i)
                gradient.emplace_back(std::string(formula.wrt[i]->name()), entries[i + 1]);
            gradients.emplace_back(std::move(gradient));
        }
        print_json(
            JsonObject{{"value", one_or_array(std::move(values))}, {"gradient", one_or_array(std::move(gradients))}});
        return kExitOk;
    }
    for (std::size_t k = 0; k < formula.outputs.size(); ++k) {
        require_scalar(formula, k, "grad");
        print_tensor_header(formula, k);
        if (formula.point) {
            const std::vector<TensorValue> values = tensor_values(formula, value_and_gradient(ctx, formula, k));
            std::cout << "value = " << tensor_value_text(values[0]) << '\n';
            for (std::size_t i = 0; i < formula.wrt.size(); ++i)
                std::cout << tensor_partial(notation, formula.wrt[i]->name()) << " = "
                          << tensor_value_text(values[i + 1]) << '\n';
        } else {
            const std::vector<Tensor> gradients = tensor_gradient(ctx, formula.outputs[k], formula.wrt);
            const std::vector<std::string> texts = print_symbolic(ctx, formula, gradients);
            for (std::size_t i = 0; i < formula.wrt.size(); ++i)
                std::cout << tensor_partial(notation, formula.wrt[i]->name()) << " = " << texts[i] << '\n';
        }
    }
    return kExitOk;
}

int run_tensor_hessian(const CommandOptions& options, const std::string& source) {
    TensorContext ctx;
    const TensorFormula formula = load_tensor_formula(ctx, options, source);
    const Tensor wrt = hessian_wrt(formula);
    refuse_rows(wrt, "hessian");
    const std::string name(wrt->name());
    const Notation notation(options.ascii);
    JsonArray values, gradients, hessians;
    for (std::size_t k = 0; k < formula.outputs.size(); ++k) {
        require_scalar(formula, k, "hessian");
        const Tensor f = formula.outputs[k];
        const std::vector<Tensor> all = {f, tensor_gradient(ctx, f, {&wrt, 1})[0], tensor_hessian(ctx, f, wrt)};
        if (options.json) {
            const JsonArray entries = json_entries(ctx, formula, all);
            values.push_back(entries[0]);
            gradients.emplace_back(JsonObject{{name, entries[1]}});
            hessians.emplace_back(JsonObject{{name, JsonObject{{name, entries[2]}}}});
            continue;
        }
        print_tensor_header(formula, k);
        if (formula.point) {
            // Value and gradient too: at a point they are what a Newton step needs.
            const std::vector<TensorValue> numbers = tensor_values(formula, all);
            std::cout << "value = " << tensor_value_text(numbers[0]) << '\n';
            std::cout << tensor_partial(notation, name) << " = " << tensor_value_text(numbers[1]) << '\n';
            std::cout << tensor_second(notation, name) << " = " << tensor_value_text(numbers[2]) << '\n';
        } else {
            const std::vector<std::string> texts = print_symbolic(ctx, formula, {all[2]});
            std::cout << tensor_second(notation, name) << " = " << texts[0] << '\n';
        }
    }
    if (options.json)
        print_json(JsonObject{{"value", one_or_array(std::move(values))},
                              {"gradient", one_or_array(std::move(gradients))},
                              {"hessian", one_or_array(std::move(hessians))}});
    return kExitOk;
}

int run_tensor_jacobian(const CommandOptions& options, const std::string& source) {
    TensorContext ctx;
    const TensorFormula formula = load_tensor_formula(ctx, options, source);
    require_wrt(formula);
    const std::size_t m = formula.outputs.size(), n = formula.wrt.size();
    // The values, then the Jacobians result by result, as one list.
    std::vector<Tensor> all = formula.outputs;
    for (const Tensor output : formula.outputs)
        for (const Tensor wrt : formula.wrt) all.push_back(tensor_jacobian(ctx, output, wrt));

    if (options.json) {
        const JsonArray entries = json_entries(ctx, formula, all);
        JsonArray rows;
        for (std::size_t r = 0; r < m; ++r) {
            JsonObject row;
            for (std::size_t i = 0; i < n; ++i)
                row.emplace_back(std::string(formula.wrt[i]->name()), entries[m + r * n + i]);
            rows.emplace_back(std::move(row));
        }
        print_json(JsonObject{{"values", JsonArray(entries.begin(), entries.begin() + static_cast<std::ptrdiff_t>(m))},
                              {"jacobian", std::move(rows)}});
        return kExitOk;
    }
    const Notation notation(options.ascii);
    std::vector<std::string> texts;
    if (formula.point) {
        for (const TensorValue& v : tensor_values(formula, all)) texts.push_back(tensor_value_text(v));
    } else {
        texts = print_symbolic(ctx, formula, all);
    }
    for (std::size_t r = 0; r < m; ++r) std::cout << 'f' << r + 1 << " = " << texts[r] << '\n';
    for (std::size_t r = 0; r < m; ++r)
        for (std::size_t i = 0; i < n; ++i) {
            std::string label = notation.d;
            label.append("f").append(std::to_string(r + 1)).append("/").append(notation.d);
            std::cout << label.append(formula.wrt[i]->name()) << " = " << texts[m + r * n + i] << '\n';
        }
    return kExitOk;
}

int run_tensor_eval(const CommandOptions& options, const std::string& source) {
    TensorContext ctx;
    const TensorFormula formula = load_tensor_formula(ctx, options, source);
    const TensorBindings& point = tensor_point(formula, "eval");
    const std::vector<TensorValue> values = tensor_evaluator(formula, formula.outputs)(point);
    if (options.json) {
        JsonArray entries;
        for (const TensorValue& v : values) entries.push_back(tensor_value_json(v));
        print_json(JsonObject{{"values", std::move(entries)}});
    } else {
        for (const TensorValue& v : values) std::cout << tensor_value_text(v) << '\n';
    }
    return kExitOk;
}

}  // namespace gradc::cli
