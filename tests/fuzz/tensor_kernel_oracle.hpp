// Tensor programs for the JIT fuzzer: a parsed program's value and gradient compiled to
// loop nests (compile_tensor) must give the tensor interpreter's bits, fused and
// unfused, at O0 and O2. A mismatch aborts with the program and the output.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/tensor.hpp"
#include "gradc/tensor_jit.hpp"
#include "gradc/tensor_parse.hpp"
#include "tensor_oracle.hpp"

namespace gradc::fuzz {

// Kernels that must equal the interpreter: libm in every lane, pow() for powers.
inline Jit& tensor_jit(bool optimized) {
    const auto options = [](OptLevel level) {
        JitOptions o;
        o.opt_level = level;
        o.vector_math = false;
        o.integer_powers_by_multiplication = false;
        return o;
    };
    static Jit fast(options(OptLevel::O2));
    static Jit plain(options(OptLevel::O0));
    return optimized ? fast : plain;
}

inline void check_tensor_kernel(std::string_view text, bool optimized, bool fuse) {
    TensorContext ctx;
    ctx.set_max_nodes(5'000);
    ParseLimits limits;
    limits.max_nesting = 100;
    TensorProgram program;
    try {
        program = parse_tensor_program(ctx, text, limits);
    } catch (const Error&) {
        return;
    }
    if (!small_program(program.outputs, 3, 1 << 16)) return;
    // Small values: three rows, every input at most a few hundred elements, indices 0
    // and 1 where the axis allows (an index out of range is an error both ways).
    TensorBindings bindings;
    bindings.rows = 3;
    std::vector<Tensor> wrt;
    for (const Tensor in : program.inputs) {
        if (in->shape().elements(3) > 512) return;
        TensorValue v{in->shape().bound(3), {}, {}};
        const std::size_t count = in->shape().elements(3);
        for (std::size_t i = 0; i < count; ++i) {
            if (in->type() == ElementType::Index)
                v.indices.push_back(static_cast<std::int64_t>(i % 2));
            else
                v.reals.push_back(0.375 + 0.25 * static_cast<double>((i * 7 + wrt.size() * 3) % 11) - 1.25);
        }
        if (in->type() == ElementType::Real) wrt.push_back(in);
        bindings.inputs.emplace_back(std::string(in->name()), std::move(v));
    }
    try {
        std::vector<Tensor> outputs = program.outputs;
        const Tensor f = outputs.front();
        if (f->shape().rank() == 0 && !wrt.empty())
            for (const Tensor g : tensor_gradient(ctx, f, wrt)) outputs.push_back(g);
        if (!small_program(outputs, 3, 1 << 16)) return;
        std::vector<TensorValue> want;
        try {
            want = evaluate(outputs, bindings);
        } catch (const Error&) {
            return;  // an index out of range or an empty max: the kernel's check is tested elsewhere
        }
        const TensorKernel kernel =
            compile_tensor(tensor_jit(optimized), outputs, program.inputs, TensorCompileOptions{fuse});
        if (!same_values(kernel(bindings), want)) {
            std::fprintf(stderr, "fuzz_jit: \"%.*s\": the %s %s tensor kernel disagrees with the interpreter\n",
                         static_cast<int>(text.size()), text.data(), optimized ? "O2" : "O0",
                         fuse ? "fused" : "unfused");
            std::abort();
        }
    } catch (const LimitError&) {
    } catch (const SemanticError&) {}
}

}  // namespace gradc::fuzz
