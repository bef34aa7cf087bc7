#include "codegen/schedule.hpp"

#include <bit>
#include <cstring>
#include <limits>

#include "gradc/error.hpp"
#include "gradc/passes.hpp"

namespace gradc::codegen {

namespace {

void check_kernel_size(std::span<const Expr> outputs, std::size_t max_size) {
    const std::size_t size = topological_order(outputs).size();
    if (size > max_size)
        throw LimitError("the kernel has " + std::to_string(size) + " instructions, more than the limit of " +
                         std::to_string(max_size) +
                         ": raise JitOptions::max_kernel_size (gradc --max-kernel-size), or split the outputs over "
                         "several kernels");
}

}  // namespace

KernelDag kernel_dag(std::span<const Expr> outputs, std::span<const Expr> inputs, const KernelDagOptions& options) {
    // Checked before copying too, so an oversized DAG is refused before it is doubled.
    check_kernel_size(outputs, options.max_size);
    KernelDag dag{nullptr, {outputs.begin(), outputs.end()}, {inputs.begin(), inputs.end()}};
    if (!options.stable_forms || !has_unstable_forms(outputs)) return dag;
    auto context = std::make_shared<ExprContext>();
    context->set_max_nodes(std::numeric_limits<std::uint32_t>::max());  // the kernel size bounds it
    dag.outputs = stable_forms(*context, outputs);
    // Inputs are matched by name; make_schedule refuses anything but a variable.
    for (Expr& input : dag.inputs)
        if (input->is_var()) input = context->variable(input->name());
    dag.context = std::move(context);
    // A rewrite can add a negation (log(sigmoid(u)) -> -softplus(-u)).
    check_kernel_size(dag.outputs, options.max_size);
    return dag;
}

Schedule make_schedule(std::span<const Expr> outputs, std::span<const Expr> inputs) {
    return Schedule{ir::straight_line(outputs, inputs, ir::StraightLineUser::Kernel), inputs.size()};
}

namespace {

template <class T>
void append(std::string& out, T value) {
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    out.append(bytes, sizeof(T));
}

}  // namespace

std::string fingerprint(const Schedule& s) {
    std::string key;
    key.reserve(s.order.size() * 10 + s.outputs.size() * 4 + 16);
    append(key, static_cast<std::uint64_t>(s.input_count));
    append(key, static_cast<std::uint64_t>(s.order.size()));
    for (std::size_t k = 0; k < s.order.size(); ++k) {
        Expr e = s.order[k];
        key.push_back(static_cast<char>(e->op()));
        if (e->is_const())
            append(key, std::bit_cast<std::uint64_t>(e->value()));
        else if (e->is_var())
            append(key, s.input_of[k]);
        else
            for (int i = 0; i < e->arity(); ++i) append(key, s.operand(k, i));
    }
    for (std::uint32_t place : s.outputs) append(key, place);
    return key;
}

}  // namespace gradc::codegen
