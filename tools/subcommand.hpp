// What the derivative and evaluation subcommands share: their options, reading the
// formula with its --wrt variables and --at point, and derivative notation.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "gradc/jit.hpp"
#include "gradc/parse.hpp"
#include "gradc/print.hpp"
#include "json.hpp"

namespace gradc::cli {

struct CommandOptions {
    FormulaSource source;
    bool ascii = false;
    bool json = false;
    bool jit = false;  // numbers from compiled code rather than the interpreter
    std::string wrt;
    std::vector<std::string> at;  // each --at, in order: it may be repeated
    // Set when the command has the option; its count() tells whether it was given.
    CLI::Option* wrt_option = nullptr;
    CLI::Option* at_option = nullptr;
};

// Adds EXPR, -f, --ascii (the options of `gradc EXPR`); on the top-level app also the
// limit options that every subcommand shares (add_limit_options).
void add_formula_options(CLI::App& app, CommandOptions& options);
// Adds the subcommand `name` with EXPR, -f, --ascii, --at, --json, and --wrt when
// `with_wrt`.
CLI::App* add_subcommand(CLI::App& parent, const std::string& name, const std::string& description,
                         CommandOptions& options, bool with_wrt);

// A parsed formula with the variables to differentiate by and the point, if any. The
// context gets the --max-nodes limit and the parse the --max-length and --max-nesting.
struct Formula {
    Program program;
    std::vector<Expr> wrt;                     // --wrt, or all variables in order
    std::optional<std::vector<double>> point;  // --at, one value per program.variables
    bool jit = false;                          // --jit
};
// Parses the formula under the command-line limits. With --at, where every result is a
// number, the outputs are then in their stable forms (use_stable_forms).
Formula load_formula(ExprContext& ctx, const CommandOptions& options);
// The same for the formula's text, read by the caller (read_formula).
Formula load_formula(ExprContext& ctx, const CommandOptions& options, const std::string& source);

// Replaces the formula's outputs by their stable forms (stable_forms(), passes.hpp), as
// compile_point() does before differentiating: derivatives taken of them are then
// stable too (the derivative of softplus(x) is sigmoid(x), where that of
// log(1 + exp(x)) is inf/inf past x = 709).
void use_stable_forms(ExprContext& ctx, Formula& formula);

// The values of `outputs` at the formula's point: by the interpreter, which answers a
// single point sooner than code generation could, or with --jit by a compiled kernel.
// Both compute the stable forms (stable_forms(), passes.hpp), as kernels do.
std::vector<double> evaluate_at(const Formula& formula, const std::vector<Expr>& outputs);

// The process's one JIT session, created (and LLVM initialised) on first use only,
// with the --max-kernel-size limit. In gradc-llvm only (codegen.hpp).
Jit& command_jit();

// Print options naming the formula's bindings (r = sqrt(x^2 + y^2)), so derivatives
// that contain them print `r`.
PrintOptions binding_names(ExprContext& ctx, const Program& program);

// The simplified infix text of `e` with nothing named, for JSON strings: each string
// then stands alone.
std::string plain_text(ExprContext& ctx, Expr e);

// JSON entries for `outputs`: numbers at the formula's point, or symbolic text.
JsonArray json_entries(ExprContext& ctx, const Formula& formula, const std::vector<Expr>& outputs);

// Notation: "∂" or "d" (see use_unicode).
struct Notation {
    std::string d;
    bool unicode;
    explicit Notation(bool ascii_flag);
    std::string partial(Expr x) const;                 // ∂/∂x
    std::string partial(Expr x, int order) const;      // ∂³/∂x³, d3/dx3
    std::string second(Expr x, Expr y) const;          // ∂²/∂x∂y, ∂²/∂x²
    std::string exponent(int k) const;                 // ³ or 3
};

// Numbers in text output: the shortest decimal form that reads back exactly, or
// "nan", "inf", "-inf".
std::string number_text(double v);

// "# result 2: x + y" before each result's block when there are several.
void print_result_header(std::ostream& out, ExprContext& ctx, const Program& program, std::size_t k);

// Writes `json` to standard output, warnings to standard error.
void print_json(const Json& json);

}  // namespace gradc::cli
