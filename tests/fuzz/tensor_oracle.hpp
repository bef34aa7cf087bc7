// Tensor programs for the gradient fuzzer: the gradient of a parsed program, raw and in
// canonical form, printed in the matrix form and read back, must compute the same
// values bit for bit (the printers promise a text that reads back; the interpreter
// sums in one order). A failure aborts with the program and the printed gradient.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/tensor.hpp"
#include "gradc/tensor_parse.hpp"
#include "gradc/tensor_print.hpp"

namespace gradc::fuzz {

inline std::string declarations_of(const TensorProgram& program) {
    std::string text;
    for (const Tensor in : program.inputs) {
        text += std::string(in->name()) + ": " + (in->kind() == TensorKind::Param ? "param" : "data");
        if (in->shape().rank() > 0) text += in->shape().text();
        text += in->type() == ElementType::Index ? " int;\n" : ";\n";
    }
    return text;
}

// Whether two values agree bit for bit, NaNs of any payload agreeing.
inline bool same_values(const std::vector<TensorValue>& a, const std::vector<TensorValue>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t k = 0; k < a.size(); ++k) {
        if (a[k].shape != b[k].shape || a[k].reals.size() != b[k].reals.size()) return false;
        for (std::size_t i = 0; i < a[k].reals.size(); ++i) {
            const double x = a[k].reals[i], y = b[k].reals[i];
            if (!(x != x && y != y) && std::memcmp(&x, &y, sizeof x) != 0) return false;
        }
    }
    return true;
}

// Whether every node of the program (outputs and what they read) holds at most
// `limit` elements with N = rows: the interpreter keeps every element of every node,
// so a small input can still ask for gigabytes in between (s[n:N, c:65555555] = ...).
inline bool small_program(std::span<const Tensor> outputs, std::size_t rows, std::size_t limit) {
    try {
        for (const Tensor t : tensor_order(outputs))
            if (t->shape().elements(rows) > limit) return false;
    } catch (const LimitError&) {
        return false;
    }
    return true;
}

// The fuzz input as a tensor program in `ctx`, whose nodes are limited to `max_nodes`
// (nesting to `max_nesting`): nullopt when it does not parse.
inline std::optional<TensorProgram> parsed_tensor_input(TensorContext& ctx, std::string_view text,
                                                        std::size_t max_nodes, std::size_t max_nesting) {
    ctx.set_max_nodes(max_nodes);
    ParseLimits limits;
    limits.max_nesting = max_nesting;
    try {
        return parse_tensor_program(ctx, text, limits);
    } catch (const Error&) {
        return std::nullopt;
    }
}

// Small values for every input of `program` at N = rows: reals from a fixed pattern,
// index element i set to i mod `index_period` (0 and 1 reach every axis of two); the
// real inputs in `wrt`. Nothing when an input holds more than `max_elements`.
inline std::optional<TensorBindings> small_bindings(const TensorProgram& program, std::size_t rows,
                                                    std::size_t max_elements, std::size_t index_period,
                                                    std::vector<Tensor>& wrt) {
    TensorBindings bindings;
    bindings.rows = rows;
    for (const Tensor in : program.inputs) {
        const std::size_t count = in->shape().elements(rows);
        if (count > max_elements) return std::nullopt;
        TensorValue v{in->shape().bound(rows), {}, {}};
        for (std::size_t i = 0; i < count; ++i) {
            if (in->type() == ElementType::Index)
                v.indices.push_back(static_cast<std::int64_t>(i % index_period));
            else
                v.reals.push_back(0.375 + 0.25 * static_cast<double>((i * 7 + wrt.size() * 3) % 11) - 1.25);
        }
        if (in->type() == ElementType::Real) wrt.push_back(in);
        bindings.inputs.emplace_back(std::string(in->name()), std::move(v));
    }
    return bindings;
}

inline void check_tensor_program(std::string_view text) {
    TensorContext ctx;
    ParseLimits limits;  // for the input and for the printed gradient read back
    limits.max_nesting = 200;
    const std::optional<TensorProgram> parsed = parsed_tensor_input(ctx, text, 20'000, limits.max_nesting);
    if (!parsed) return;
    const TensorProgram& program = *parsed;
    const Tensor f = program.outputs.front();
    if (f->shape().rank() != 0 || !small_program(program.outputs, 2, 1 << 16)) return;
    // Small values: two rows, every input at most a few thousand elements, indices 0.
    std::vector<Tensor> wrt;
    const std::optional<TensorBindings> values = small_bindings(program, 2, 4096, 1, wrt);
    if (!values || wrt.empty()) return;
    const TensorBindings& bindings = *values;
    try {
        const std::vector<Tensor> gradient = tensor_gradient(ctx, f, wrt);
        for (const std::vector<Tensor>& outputs : {gradient, canonicalize(ctx, gradient)}) {
            const std::string printed = declarations_of(program) + tensor_text(outputs);
            TensorProgram back;
            try {
                back = parse_tensor_program(ctx, printed, limits);
            } catch (const ParseError& e) {
                std::fprintf(stderr, "fuzz_gradient: \"%.*s\": the printed gradient does not read back: %s\n%s\n",
                             static_cast<int>(text.size()), text.data(), e.what(), printed.c_str());
                std::abort();
            }
            if (!same_values(evaluate(back.outputs, bindings), evaluate(outputs, bindings))) {
                std::fprintf(stderr, "fuzz_gradient: \"%.*s\": the printed gradient reads back to other values\n%s\n",
                             static_cast<int>(text.size()), text.data(), printed.c_str());
                std::abort();
            }
        }
    } catch (const LimitError&) {
    } catch (const SemanticError&) {}
}

}  // namespace gradc::fuzz
