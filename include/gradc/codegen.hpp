// How kernels become machine code: the options that both doors to LLVM take, the JIT
// (jit.hpp: code in this process) and emission (emit.hpp: files), so that one set of
// options gives the same code through either. Nothing from LLVM appears here.
#pragma once

#include <cstddef>
#include <string>

#include "gradc/error.hpp"

namespace gradc {

// LLVM could not build or link a kernel (an unknown CPU name, a code generator error).
class JitError : public Error {
public:
    using Error::Error;
};

enum class OptLevel { O0, O1, O2, O3 };

struct CodegenOptions {
    // The LLVM optimization pipeline for kernels up to `large_kernel_nodes` nodes.
    OptLevel opt_level = OptLevel::O2;
    // Kernels with more DAG nodes than this get a lighter pipeline: a few local IR
    // passes (the DAG is already free of common subexpressions) and LLVM's fast
    // instruction selector and register allocator. The full code generator's time grows
    // much faster than the kernel (~50 us per node at 1,800 nodes); the light one stays
    // near linear, at the price of slower code (docs/kernels.md).
    std::size_t large_kernel_nodes = 4000;
    // CPU to generate code for, as LLVM names it ("x86-64-v3", "skylake"); empty means
    // the host, with its features detected.
    std::string cpu;
    // Fuse a*b + c into one fused multiply-add where the CPU has one. Off by default:
    // a fused operation rounds once instead of twice, so results would differ from the
    // interpreter in the last bits.
    bool contract_fma = false;
    // x^k for an integer constant 1 <= k <= 16 is computed by repeated squaring
    // (x^-1 as 1/x) rather than by pow(): several times faster, within a few ulp of pow().
    bool integer_powers_by_multiplication = true;
    // Rows per SIMD vector in batch and map kernels: 0 picks the widest the CPU has
    // (8 with AVX-512, 4 with AVX2, else 2); 1 turns vectorization off.
    unsigned lanes = 0;
    // Vector code calls glibc's libmvec (within 4 ulp) for transcendental functions;
    // false calls scalar libm lane by lane, exactly as the interpreter does.
    bool vector_math = true;
    // Compile the numerically stable forms of the outputs (stable_forms() in
    // passes.hpp): log(1 + x) as log1p(x), exp(x) - 1 as expm1(x), log(1 + exp(x)) as
    // softplus(x), sqrt(x^2 + y^2) as hypot(x, y), ... The same function in exact
    // arithmetic; in floating point as accurate or more, so a kernel may differ from the
    // interpreter run on the formula as written. compile_point(), compile_map() and
    // compile_batch() rewrite the values (adding the new nodes to their context) before
    // differentiating them, so derivatives are those of the stable forms (softplus' =
    // sigmoid, finite where the quotient exp(x)/(1 + exp(x)) is inf/inf); then every
    // kernel's outputs are rewritten once more, in a context of the kernel's own, which
    // covers outputs given to Jit::compile directly.
    bool stable_forms = true;
    // The most instructions (scheduled DAG nodes: operations, constants and inputs) one
    // kernel may have. A larger one throws LimitError before any code is generated:
    // LLVM needs about 1.1 KiB and 20 us per instruction, so 2 million take some
    // 2.3 GiB and 45 s (docs/kernels.md).
    std::size_t max_kernel_size = 2'000'000;
};

// What a point kernel computes besides the values, laid out as the top of jit.hpp says;
// compile_point() and aot_point_kernel() (emit.hpp) take it.
enum class Derivatives { None, Gradient, Hessian };

// Number of outputs compile_point() gives for m values of n inputs.
std::size_t point_output_count(std::size_t values, std::size_t inputs, Derivatives derivatives);

}  // namespace gradc
