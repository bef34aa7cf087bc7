// gradc::Jit and gradc::Kernel: the public face of the session in session.cpp.
#include "gradc/jit.hpp"

#include <string>

#include "jit/session.hpp"

namespace gradc {

Jit::Jit(JitOptions options) : session_(std::make_shared<Session>(std::move(options))) {}

Kernel Jit::compile(std::span<const Expr> outputs, std::span<const Expr> inputs) {
    return session_->compile(outputs, inputs);
}

const JitOptions& Jit::options() const noexcept { return session_->options; }
const std::string& Jit::cpu_name() const noexcept { return session_->cpu_name; }
const std::string& Jit::cpu_features() const noexcept { return session_->cpu_features; }

JitStats Jit::stats() const {
    std::lock_guard lock(session_->mutex);
    return JitStats{session_->compiled, session_->cache_hits, session_->live_units};
}

Kernel Jit::make_kernel(std::shared_ptr<const void> code, Kernel::Function fn, std::size_t inputs,
                        std::size_t outputs) {
    Kernel k;
    k.code_ = std::move(code);
    k.fn_ = fn;
    k.inputs_ = inputs;
    k.outputs_ = outputs;
    return k;
}

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
