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
    const std::optional<TensorProgram> parsed = parsed_tensor_input(ctx, text, 5'000, 100);
    if (!parsed) return;
    const TensorProgram& program = *parsed;
    if (!small_program(program.outputs, 3, 1 << 16)) return;
    // Small values: three rows, every input at most a few hundred elements, indices 0
    // and 1 where the axis allows (an index out of range is an error both ways).
    std::vector<Tensor> wrt;
    const std::optional<TensorBindings> values = small_bindings(program, 3, 512, 2, wrt);
    if (!values) return;
    const TensorBindings& bindings = *values;
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
