// A kernel's DAG as straight-line code: every node the outputs reach, once, children
// before parents, with each variable's input position. Code generation walks it, and
// its fingerprint identifies a kernel whatever context built it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "gradc/expr.hpp"
#include "ir/straight_line.hpp"

namespace gradc::codegen {

// The straight-line program (ir/straight_line.hpp) and the number of inputs the kernel
// is called with, read or not.
struct Schedule : ir::StraightLine {
    std::size_t input_count = 0;

    std::uint32_t operand(std::size_t place, int i) const { return position(order[place]->arg(i)); }
};

// Throws SemanticError when an output depends on a variable that is not an input.
Schedule make_schedule(std::span<const Expr> outputs, std::span<const Expr> inputs);

// What a kernel computes, ready to schedule: its outputs and inputs, and the context
// holding them when they were rewritten.
struct KernelDag {
    std::shared_ptr<const ExprContext> context;  // null: outputs and inputs are the caller's
    std::vector<Expr> outputs;
    std::vector<Expr> inputs;
};

struct KernelDagOptions {
    bool stable_forms;     // CodegenOptions::stable_forms
    std::size_t max_size;  // CodegenOptions::max_kernel_size
};

// `outputs` of `inputs` as a kernel compiles them: in their stable forms
// (stable_forms(), passes.hpp) when asked. The kernel builders cannot write into the
// caller's context (Jit::compile is given no context, and a context is not
// thread-safe), so a DAG with something to rewrite is copied, rewritten, into a
// context of its own; one without is used as it is. Throws LimitError when the DAG has
// more than `max_size` nodes, before any code is generated.
KernelDag kernel_dag(std::span<const Expr> outputs, std::span<const Expr> inputs, const KernelDagOptions& options);

// An exact byte encoding of the straight-line program: ops, operand places, constants'
// bits, input positions and output places. Equal fingerprints compile to the same code.
std::string fingerprint(const Schedule& schedule);

}  // namespace gradc::codegen
