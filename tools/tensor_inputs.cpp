#include "tensor_inputs.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>

#include "gradc/error.hpp"
#include "number.hpp"
#include "tensor_values.hpp"

namespace gradc::cli {
namespace {

Tensor find_input(std::string_view name, std::span<const Tensor> inputs) {
    const auto it = std::find_if(inputs.begin(), inputs.end(), [&](Tensor t) { return t->name() == name; });
    return it == inputs.end() ? nullptr : *it;
}

[[noreturn]] void unknown_input(std::string_view name, const char* option, std::span<const Tensor> inputs) {
    std::string message = "unknown input '";
    message.append(name).append("' in ").append(option).append("; the program's inputs are ");
    throw Error(message.append(input_names(inputs)));
}

std::string dims_text(const std::vector<std::size_t>& dims) {
    std::string text = "[";
    for (std::size_t i = 0; i < dims.size(); ++i) text.append(i ? "," : "").append(std::to_string(dims[i]));
    return text + "]";
}

// "w is declared param[3]"
std::string declared(Tensor input) {
    std::string text(input->name());
    return text.append(" is declared ").append(declaration_text(input));
}

std::string rows_text(std::size_t rows) { return std::to_string(rows) + (rows == 1 ? " row" : " rows"); }

std::size_t element_count(const TensorValue& value) {
    std::size_t n = 1;
    for (const std::size_t d : value.shape) n *= d;
    return n;
}

// The value as the input's element type holds it: indices for int data (whole numbers
// only), reals otherwise.
void convert_elements(Tensor input, TensorValue& value) {
    if (input->type() == ElementType::Index) {
        value = to_indices(input->name(), value);
        return;
    }
    if (value.reals.empty() && !value.indices.empty())
        for (const std::int64_t i : value.indices) value.reals.push_back(static_cast<double>(i));
    value.indices.clear();
}

}  // namespace

std::string declaration_text(Tensor input) {
    std::string text = input->kind() == TensorKind::Param ? "param" : "data";
    text.append(input->shape().text());
    if (input->type() == ElementType::Index) text.append(" int");
    return text;
}

std::string input_names(std::span<const Tensor> inputs) {
    if (inputs.empty()) return "none";
    std::string names;
    for (const Tensor t : inputs) names.append(names.empty() ? "" : ", ").append(t->name());
    return names;
}

std::vector<Tensor> param_inputs(std::span<const Tensor> inputs) {
    std::vector<Tensor> params;
    for (const Tensor t : inputs)
        if (t->kind() == TensorKind::Param) params.push_back(t);
    return params;
}

std::vector<Tensor> select_tensor_wrt(std::string_view wrt, std::span<const Tensor> inputs) {
    std::vector<Tensor> chosen;
    for (;;) {
        const std::size_t comma = wrt.find(',');
        const std::string_view name = trim(wrt.substr(0, comma));
        if (name.empty()) throw Error("--wrt expects input names separated by commas, as in --wrt w,b");
        const Tensor input = find_input(name, inputs);
        if (input == nullptr) unknown_input(name, "--wrt", inputs);
        if (input->type() == ElementType::Index) {
            std::string message(name);
            throw Error(message.append(" is int data, which has no derivative; --wrt takes params and real data"));
        }
        if (std::find(chosen.begin(), chosen.end(), input) != chosen.end()) {
            std::string message = "input '";
            throw Error(message.append(name).append("' appears twice in --wrt"));
        }
        chosen.push_back(input);
        if (comma == std::string_view::npos) return chosen;
        wrt.remove_prefix(comma + 1);
    }
}

TensorBindings bind_tensor_inputs(std::span<const Tensor> inputs, NamedTensorValues values,
                                  std::span<const Tensor> required) {
    TensorBindings bindings;
    // The first data that fixes N, for the message when another disagrees.
    Tensor rows_from = nullptr;
    for (auto& [name, value] : values) {
        const Tensor input = find_input(name, inputs);
        if (input == nullptr) unknown_input(name, "--at", inputs);
        if (bindings.find(name) != nullptr) throw Error("--at gives " + name + " twice");
        const std::vector<std::int64_t>& dims = input->shape().dims;
        const auto rows_axis = std::find(dims.begin(), dims.end(), kRows);
        std::optional<std::size_t> rows;
        if (value.shape.size() == dims.size() && rows_axis != dims.end())
            rows = value.shape[static_cast<std::size_t>(rows_axis - dims.begin())];
        const std::vector<std::size_t> want = input->shape().bound(rows.value_or(0));
        if (value.shape != want) {
            std::string message = "the value of ";
            message.append(name).append(" has shape ").append(dims_text(value.shape)).append(", but ");
            message.append(declared(input));
            if (value.shape.size() != dims.size())
                message.append(" (rank ")
                    .append(std::to_string(dims.size()))
                    .append(", not ")
                    .append(std::to_string(value.shape.size()))
                    .append(")");
            throw Error(message);
        }
        if (element_count(value) != std::max(value.reals.size(), value.indices.size()))
            throw InternalError("a value from --at holds another number of elements than its shape");
        if (rows) {
            if (rows_from != nullptr && *rows != bindings.rows) {
                std::string message = "the data disagree on N: ";
                message.append(rows_from->name())
                    .append(" has ")
                    .append(rows_text(bindings.rows))
                    .append(", but ")
                    .append(name)
                    .append(" has ")
                    .append(rows_text(*rows));
                throw Error(message);
            }
            rows_from = input;
            bindings.rows = *rows;
        }
        convert_elements(input, value);
        bindings.inputs.emplace_back(name, std::move(value));
    }
    for (const Tensor input : required) {
        if (bindings.find(input->name()) != nullptr) continue;
        std::string message = "--at needs a value for ";
        message.append(input->name()).append(", declared ").append(declaration_text(input));
        throw Error(message);
    }
    return bindings;
}

}  // namespace gradc::cli
