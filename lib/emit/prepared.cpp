#include "emit/prepared.hpp"

#include <set>

#include "codegen/c_source.hpp"
#include "gradc/error.hpp"

namespace gradc::emit_detail {

std::vector<std::pair<std::string, std::size_t>> header_constants(const AotKernel& kernel, unsigned lanes) {
    const std::string& n = kernel.name;
    if (kernel.kind == AotKind::Point)
        return {{n + "_input_count", kernel.inputs.size()}, {n + "_output_count", kernel.outputs.size()}};
    return {{n + "_param_count", kernel.params},
            {n + "_column_count", kernel.inputs.size() - kernel.params},
            {n + "_output_count", kernel.outputs.size()},
            {n + "_lanes", lanes}};
}

std::string output_name(const AotKernel& kernel, std::size_t k) {
    return kernel.output_names.empty() ? "out[" + std::to_string(k) + "]" : kernel.output_names[k];
}

std::vector<PreparedKernel> prepare(std::span<const AotKernel> kernels, const CodegenOptions& options) {
    if (kernels.empty()) throw SemanticError("nothing to emit: give at least one kernel");
    std::set<std::string> identifiers;  // every name a header declares
    std::vector<PreparedKernel> prepared;
    prepared.reserve(kernels.size());
    for (const AotKernel& k : kernels) {
        if (const std::string problem = codegen::c_name_problem(k.name); !problem.empty())
            throw SemanticError("the kernel name '" + k.name + "' " + problem);
        for (Expr input : k.inputs)
            if (!input->is_var()) throw SemanticError("the inputs of kernel '" + k.name + "' must be variables");
        if (k.kind == AotKind::Batch && k.params > k.inputs.size())
            throw SemanticError("kernel '" + k.name + "' has more parameters than inputs");
        std::vector<std::string> ids = {k.name};
        for (const auto& constant : header_constants(k, 1)) ids.push_back(constant.first);
        for (const std::string& id : ids)
            if (!identifiers.insert(id).second)
                throw SemanticError("the kernel name '" + k.name + "' clashes with another kernel's name or header " +
                                    "constants (" + id + "): give each kernel a name of its own");
        if (!k.output_names.empty() && k.output_names.size() != k.outputs.size())
            throw SemanticError("kernel '" + k.name + "' has " + std::to_string(k.outputs.size()) + " outputs but " +
                                std::to_string(k.output_names.size()) + " output names: give one per output, or none");
        codegen::KernelDag dag = codegen::kernel_dag(
            k.outputs, k.inputs, codegen::KernelDagOptions{options.stable_forms, options.max_kernel_size});
        codegen::Schedule schedule = codegen::make_schedule(dag.outputs, dag.inputs);
        prepared.push_back(PreparedKernel{&k, std::move(dag), std::move(schedule)});
    }
    return prepared;
}

}  // namespace gradc::emit_detail
