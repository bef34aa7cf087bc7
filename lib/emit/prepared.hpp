// Kernels checked and scheduled once, whatever format they are written in.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "codegen/schedule.hpp"
#include "gradc/emit.hpp"

namespace gradc::emit_detail {

struct PreparedKernel {
    const AotKernel* kernel = nullptr;
    codegen::KernelDag dag;  // the outputs as compiled: in stable forms, as the JIT's
    codegen::Schedule schedule;
};

// Throws SemanticError for a name that cannot be a C symbol, two kernels whose names
// (or their header constants) clash, an input that is not a variable, more parameters
// than inputs, output names that do not match the outputs, and outputs that use a
// variable not among the inputs; LimitError for a kernel past
// options.max_kernel_size. The outputs are rewritten as options.stable_forms says.
std::vector<PreparedKernel> prepare(std::span<const AotKernel> kernels, const CodegenOptions& options = {});

// The enum constants the header gives `kernel`, as name/value pairs in order.
std::vector<std::pair<std::string, std::size_t>> header_constants(const AotKernel& kernel, unsigned lanes);

// The name of output k for comments: its given name, or "out[k]".
std::string output_name(const AotKernel& kernel, std::size_t k);

}  // namespace gradc::emit_detail
