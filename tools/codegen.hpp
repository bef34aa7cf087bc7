// Code generation on the command line, and the two executables that share it.
//
// gradc-llvm links LLVM and runs every command. gradc links no LLVM: it runs the
// commands that generate no code (derivatives, values by the interpreter, emit c, latex
// and dot), which then start in a few milliseconds instead of the ~20 ms LLVM's
// relocations, page faults and static initialisers cost, and it hands every other
// command (check, minimize, fit, tune, predict, explain, bench, --jit, eval --data, emit llvm|asm|obj|so),
// before reading its input, to gradc-llvm by exec() with the same arguments (main.cpp).
//
// This header is the seam: gradc-llvm links codegen_commands.cpp, which defines these
// with LLVM, and gradc links no_codegen.cpp, where nothing generates code.
#pragma once

#include <CLI/CLI.hpp>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "emit_command.hpp"
#include "eval_command.hpp"
#include "gradc/emit.hpp"
#include "subcommand.hpp"
#include "tensor_formula.hpp"

namespace gradc::cli {

// Where a subcommand's formula goes when it starts with '-' (main.cpp).
using FormulaTargets = std::map<std::string, std::string*>;

// The subcommands that exist only to generate code, and their options. Added and run
// in two groups so that --help lists every subcommand in its usual place.
class CodegenCommands {
public:
    virtual ~CodegenCommands() = default;
    virtual void add_check(CLI::App& app, FormulaTargets& formula_of) = 0;
    virtual void add_minimize_fit_predict(CLI::App& app, FormulaTargets& formula_of) = 0;
    // The exit code of the parsed subcommand of the group, or nothing if none was parsed;
    // `ascii` is the top level's --ascii.
    virtual std::optional<int> run_check(bool ascii) = 0;
    virtual std::optional<int> run_minimize_fit_predict() = 0;
    // bench, listed last: it measures rather than computes.
    virtual void add_bench(CLI::App& app, FormulaTargets& formula_of) = 0;
    virtual std::optional<int> run_bench() = 0;
};

// gradc-llvm's commands; nothing in gradc, which hands them on.
std::unique_ptr<CodegenCommands> codegen_commands();

// The names of those subcommands: gradc hands on any command line that names one.
inline constexpr const char* kCodegenCommandNames[] = {"check",   "minimize", "fit",  "tune",
                                                       "predict", "explain",  "bench"};

// --jit: the values of `outputs` at the formula's point, by a compiled kernel.
std::vector<double> compiled_values(const Formula& formula, const std::vector<Expr>& outputs);

// --jit for tensor programs: `outputs` compiled once as functions of `inputs`, with the
// options under which tensor kernels give the interpreter's bits (scalar libm calls,
// x^k by pow: JitOptions::vector_math and integer_powers_by_multiplication off).
TensorFunction compiled_tensor_values(std::span<const Tensor> outputs, std::span<const Tensor> inputs);

// eval --data: the results at every row of a CSV file, by a compiled map kernel.
int eval_rows(const EvalOptions& options);

// emit --format llvm|asm|obj|so: writes `kernel` as machine code to options.output (and
// for a shared library its header beside it).
void emit_machine_code(EmitFormat format, const EmitOptions& options, const AotKernel& kernel, const JitOptions& jit);

}  // namespace gradc::cli
