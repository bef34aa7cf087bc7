// gradc's side of the seam in codegen.hpp: it has none of the subcommands that compile,
// and main() hands every command that would generate code to gradc-llvm before running
// it, so the functions here are never called.
#include "codegen.hpp"
#include "gradc/error.hpp"

namespace gradc::cli {
namespace {

[[noreturn]] void not_here(const char* what) {
    throw InternalError(std::string(what) + " generates code, which gradc leaves to gradc-llvm");
}

}  // namespace

std::unique_ptr<CodegenCommands> codegen_commands() { return nullptr; }

std::vector<double> compiled_values(const Formula&, const std::vector<Expr>&) { not_here("--jit"); }

TensorFunction compiled_tensor_values(std::span<const Tensor>, std::span<const Tensor>) { not_here("--jit"); }

int eval_rows(const EvalOptions&) { not_here("eval --data"); }

void emit_machine_code(EmitFormat, const EmitOptions&, const AotKernel&, const JitOptions&) {
    not_here("emit --format llvm|asm|obj|so");
}

}  // namespace gradc::cli
