// gradc::Jit and gradc::Kernel: the public face of the session in session.cpp.
#include "gradc/jit.hpp"

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "codegen/schedule.hpp"
#include "jit/session.hpp"

namespace gradc {

namespace jit_detail {
struct KeptCode {
    std::mutex mutex;
    bool on = false;
    std::vector<std::shared_ptr<const void>> units;
};
}  // namespace jit_detail

Jit::Jit(JitOptions options)
    : session_(jit_detail::Session::create(std::move(options))), kept_(std::make_shared<jit_detail::KeptCode>()) {}

void Jit::keep_compiled_code() {
    const std::lock_guard lock(kept_->mutex);
    kept_->on = true;
}

void Jit::keep(const std::shared_ptr<const void>& unit) {
    const std::lock_guard lock(kept_->mutex);
    if (kept_->on && std::find(kept_->units.begin(), kept_->units.end(), unit) == kept_->units.end())
        kept_->units.push_back(unit);
}

namespace {

// Every JIT kernel's outputs pass here on their way to the session, so the stable
// forms and the size limit apply to all kinds of kernel alike.
codegen::KernelDag dag_for(const CodegenOptions& options, std::span<const Expr> outputs, std::span<const Expr> inputs) {
    return codegen::kernel_dag(outputs, inputs,
                               codegen::KernelDagOptions{options.stable_forms, options.max_kernel_size});
}

std::vector<Expr> concatenated(std::span<const Expr> params, std::span<const Expr> columns) {
    std::vector<Expr> inputs(params.begin(), params.end());
    inputs.insert(inputs.end(), columns.begin(), columns.end());
    return inputs;
}

}  // namespace

Kernel Jit::compile(std::span<const Expr> outputs, std::span<const Expr> inputs) {
    const codegen::KernelDag dag = dag_for(session_->options(), outputs, inputs);
    jit_detail::CompiledCode code = session_->compile(dag.outputs, dag.inputs, {backend::KernelKind::Point, 0});
    keep(code.unit);
    Kernel k;
    k.fn_ = reinterpret_cast<Kernel::Function>(code.address);
    k.code_ = std::move(code.unit);
    k.inputs_ = inputs.size();
    k.outputs_ = outputs.size();
    return k;
}

BatchKernel Jit::compile_sum(std::span<const Expr> outputs, std::span<const Expr> params,
                             std::span<const Expr> columns) {
    const codegen::KernelDag dag = dag_for(session_->options(), outputs, concatenated(params, columns));
    jit_detail::CompiledCode code =
        session_->compile(dag.outputs, dag.inputs, {backend::KernelKind::Sum, params.size()});
    keep(code.unit);
    BatchKernel k;
    k.fn_ = reinterpret_cast<BatchKernel::Function>(code.address);
    k.code_ = std::move(code.unit);
    k.params_ = params.size();
    k.columns_ = columns.size();
    k.outputs_ = outputs.size();
    k.lanes_ = session_->lanes();
    return k;
}

MapKernel Jit::compile_map(std::span<const Expr> outputs, std::span<const Expr> params, std::span<const Expr> columns) {
    const codegen::KernelDag dag = dag_for(session_->options(), outputs, concatenated(params, columns));
    jit_detail::CompiledCode code =
        session_->compile(dag.outputs, dag.inputs, {backend::KernelKind::Map, params.size()});
    keep(code.unit);
    MapKernel k;
    k.fn_ = reinterpret_cast<MapKernel::Function>(code.address);
    k.code_ = std::move(code.unit);
    k.params_ = params.size();
    k.columns_ = columns.size();
    k.outputs_ = outputs.size();
    k.lanes_ = session_->lanes();
    return k;
}

const JitOptions& Jit::options() const noexcept { return session_->options(); }
const std::string& Jit::cpu_name() const noexcept { return session_->cpu_name(); }
const std::string& Jit::cpu_features() const noexcept { return session_->cpu_features(); }
unsigned Jit::lanes() const noexcept { return session_->lanes(); }
JitStats Jit::stats() const { return session_->stats(); }

void Kernel::operator()(std::span<const double> in, std::span<double> out) const {
    if (!fn_) throw SemanticError("this kernel is empty: get one from Jit::compile");
    if (in.size() != inputs_ || out.size() != outputs_)
        throw SemanticError("the kernel takes " + std::to_string(inputs_) + " inputs and gives " +
                            std::to_string(outputs_) + " outputs, but was called with " + std::to_string(in.size()) +
                            " inputs and room for " + std::to_string(out.size()) + " outputs");
    fn_(in.data(), out.data());
}

std::vector<double> Kernel::operator()(std::span<const double> in) const {
    std::vector<double> out(outputs_);
    (*this)(in, out);
    return out;
}

}  // namespace gradc
