// Tensor programs (tensor.hpp) compiled by the JIT to native loop nests: code size and
// compile time grow with the number of tensor nodes, not with their widths.
//
// What a kernel computes: the values of its outputs, exactly as evaluate() (the tensor
// interpreter) does, bit for bit, with JitOptions::vector_math off and no FMA (the
// default); with vector_math on, map bodies call libmvec (within 4 ulp of libm), and
// with TensorCompileOptions::symmetric, Aᵀ·diag(d)·A below its diagonal is the mirror of
// the entries above it.
// - Every sum (contract, sum, and the adjoints built from them) follows the order
//   tensor.hpp documents: term t into partial sum t mod 8, the partials combined as a
//   fixed tree. That order depends on neither the CPU's vector width nor the thread
//   count: each output element is computed whole by one thread, and the work is cut
//   into chunks of elements, never into pieces of one element's sum.
// - Elementwise maps fuse into the loop of the node that consumes them, and a
//   contraction or reduction feeding one map of its own shape computes inside that
//   map's loop (the epilogue: bias + activation): neither is written to memory.
//   Transposes, broadcasts, reshapes of contiguous values and slices are read in place,
//   and the adjoint of a slice or pad is a read at the preimage.
//
// Calling: inputs are the Param and Data nodes listed to compile_tensor(), in that
// order, each one contiguous row-major buffer: doubles, or int64 for index data. The
// row count N is given per call. Outputs are row-major buffers of the output shapes.
// Scratch memory for the values in between is the caller's, so that a training loop
// allocates it once (scratch_size(rows) doubles). Index data is checked before the
// kernel runs: an index outside its axis is an Error, never a wild read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gradc/jit.hpp"
#include "gradc/tensor.hpp"

namespace gradc {

class ThreadPool;

namespace jit_detail {
struct TensorProgramCode;  // the compiled stages and their plan (lib/jit/tensor_kernel.cpp)
}

struct TensorCompileOptions {
    // Fuse maps, epilogues and in-place views into their consumers (see above). Off,
    // every node is a loop nest of its own writing its own buffer: the reference the
    // differential tests compare the fused code with.
    bool fuse = true;
    // Symmetric products — Aᵀ·A and Aᵀ·diag(d)·A, as Hessians of losses of linear
    // models are written (X' @ diag(d) @ X) — computed on and above the diagonal only,
    // then copied below it: half the multiplications. Entries on and above the diagonal
    // keep the interpreter's bits; below it, Aᵀ·A keeps them too (a product of two
    // factors is rounded the same either way round), while Aᵀ·diag(d)·A's differ by
    // rounding from the interpreter's, which rounds d·A[n,j] and then the product
    // with A[n,i] (the same error bound, and a result that is exactly symmetric).
    bool symmetric = false;
};

// An input of a compiled tensor program, as the kernel keeps it (the nodes may go).
struct TensorInput {
    std::string name;
    Shape shape;
    ElementType type = ElementType::Real;
};

class TensorKernel {
public:
    TensorKernel() = default;  // empty: calling it is an error
    explicit operator bool() const noexcept { return code_ != nullptr; }

    // Runs the kernel with N = `rows`: inputs[k] is input k's buffer, outputs[k] has
    // room for output_size(k, rows) doubles, and `scratch` for scratch_size(rows).
    // Work is split over `pool` (the caller's thread alone when null); the results have
    // the same bits whatever the pool. Throws SemanticError for wrong counts or sizes
    // and Error for an index outside its axis.
    void operator()(std::span<const void* const> inputs, std::size_t rows, std::span<double* const> outputs,
                    std::span<double> scratch, ThreadPool* pool = nullptr) const;
    // The same with scratch memory the call grows as needed (kept for the next call).
    void operator()(std::span<const void* const> inputs, std::size_t rows, std::span<double* const> outputs,
                    std::vector<double>& scratch, ThreadPool* pool = nullptr) const;
    // Values by name, as evaluate() takes them; checks every shape. Allocates.
    std::vector<TensorValue> operator()(const TensorBindings& bindings, ThreadPool* pool = nullptr) const;

    std::size_t input_count() const noexcept;
    std::size_t output_count() const noexcept;
    // The inputs in calling order, and the outputs' bound shapes and sizes.
    std::span<const TensorInput> inputs() const noexcept;
    std::vector<std::size_t> output_shape(std::size_t output, std::size_t rows) const;
    std::size_t output_size(std::size_t output, std::size_t rows) const;
    std::size_t scratch_size(std::size_t rows) const;
    // Loop nests the kernel runs, one after another (each split over threads).
    std::size_t stage_count() const noexcept;

private:
    friend TensorKernel compile_tensor(Jit&, std::span<const Tensor>, std::span<const Tensor>,
                                       const TensorCompileOptions&);
    std::shared_ptr<const jit_detail::TensorProgramCode> code_;
};

// Compiles `outputs` as functions of `inputs` (Param and Data nodes, each once).
// Throws SemanticError when an output reads an input not listed.
TensorKernel compile_tensor(Jit& jit, std::span<const Tensor> outputs, std::span<const Tensor> inputs,
                            const TensorCompileOptions& options = {});

// The scalar `loss` and its gradient by each of `params`: the kernel's outputs are the
// loss, then one gradient per parameter (shaped as it). Its inputs are `params`, then
// `data`. The gradient nodes are built in `ctx` (tensor_gradient, then canonicalize).
TensorKernel compile_tensor_gradient(Jit& jit, TensorContext& ctx, Tensor loss, std::span<const Tensor> params,
                                     std::span<const Tensor> data, const TensorCompileOptions& options = {});

}  // namespace gradc
