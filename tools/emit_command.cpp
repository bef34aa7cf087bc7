// `gradc emit EXPR --format c|llvm|asm|obj|so|latex|dot`: the formula's point kernel
// (its values, with --grad its gradient, with --hessian its Hessian too) as C source,
// LLVM IR, assembly, an object file or a shared library with its header; or the
// formula as LaTeX or as a Graphviz DAG.
#include "emit_command.hpp"

#include <array>
#include <fstream>
#include <iostream>

#include "codegen.hpp"
#include "gradc/emit.hpp"
#include "gradc/error.hpp"
#include "gradc/passes.hpp"
#include "gradc/print.hpp"

namespace gradc::cli {
namespace {

using Format = EmitFormat;

constexpr std::array<std::pair<std::string_view, Format>, 7> kFormats = {{{"c", Format::C},
                                                                          {"llvm", Format::Llvm},
                                                                          {"asm", Format::Asm},
                                                                          {"obj", Format::Obj},
                                                                          {"so", Format::So},
                                                                          {"latex", Format::Latex},
                                                                          {"dot", Format::Dot}}};
constexpr const char* kFormatList = "c, llvm, asm, obj, so, latex or dot";

Format format_of(const std::string& text) {
    if (text.empty()) throw Error(std::string("choose what to write with --format: ") + kFormatList);
    for (const auto& [name, format] : kFormats)
        if (text == name) return format;
    throw Error("unknown format '" + text + "': --format takes " + kFormatList);
}

// Options that do not apply to the format are mistakes worth pointing out.
void check_options(const EmitOptions& o, Format format) {
    if (format == Format::Obj && o.output.empty())
        throw Error("--format obj writes an object file: name it with -o, as in -o kernel.o");
    if (format == Format::So && o.output.empty())
        throw Error(
            "--format so writes a shared library and its header: name the library with -o, as in -o "
            "libkernel.so");
    if (!o.cpu.empty() && !is_machine_code(format))
        throw Error("--cpu chooses the machine code of --format llvm, asm, obj and so; --format " + o.format +
                    " does not depend on the CPU");
    const bool named = o.name_option != nullptr && o.name_option->count() > 0;
    if (named && (format == Format::Latex || format == Format::Dot))
        throw Error("--name names the kernel of --format c, llvm, asm, obj and so; --format " + o.format +
                    " has no kernel");
}

// Each output of the kernel as a line of LaTeX, simplified for reading; with
// derivatives, each line says which it is: f = ..., \frac{\partial f}{\partial x} = ...
std::string latex_lines(ExprContext& ctx, const AotKernel& kernel, std::size_t values, Derivatives derivatives) {
    const std::vector<Expr> outputs = simplify(ctx, kernel.outputs);
    const std::vector<Expr>& x = kernel.inputs;
    const std::size_t n = x.size();
    std::vector<std::string> labels;
    auto f = [values](std::size_t r) { return values == 1 ? std::string("f") : "f_{" + std::to_string(r + 1) + "}"; };
    for (std::size_t r = 0; r < values; ++r) labels.push_back(f(r));
    if (derivatives != Derivatives::None)
        for (std::size_t r = 0; r < values; ++r)
            for (std::size_t i = 0; i < n; ++i)
                labels.push_back("\\frac{\\partial " + f(r) + "}{\\partial " + to_latex(x[i]) + "}");
    if (derivatives == Derivatives::Hessian)
        for (std::size_t r = 0; r < values; ++r)
            for (std::size_t i = 0; i < n; ++i)
                for (std::size_t j = i; j < n; ++j)
                    labels.push_back("\\frac{\\partial^2 " + f(r) + "}{" +
                                     (i == j ? "\\partial " + to_latex(x[i]) + "^2"
                                             : "\\partial " + to_latex(x[i]) + " \\partial " + to_latex(x[j])) +
                                     "}");
    std::string text;
    for (std::size_t k = 0; k < outputs.size(); ++k)
        text += (derivatives == Derivatives::None ? "" : labels[k] + " = ") + to_latex(outputs[k]) + "\n";
    return text;
}

}  // namespace

bool is_machine_code(Format f) { return f == Format::Llvm || f == Format::Asm || f == Format::Obj || f == Format::So; }

bool is_machine_code_format(const std::string& text) {
    for (const auto& [name, format] : kFormats)
        if (text == name) return is_machine_code(format);
    return false;
}

void write_text(const std::string& path, const std::string& text) {
    if (path.empty()) {
        std::cout << text;
        return;
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw Error("cannot write '" + path + "': check that its folder exists and is writable");
}

CLI::App* add_emit_command(CLI::App& parent, EmitOptions& options) {
    CLI::App* app = parent.add_subcommand(
        "emit", "the formula's kernel as C, LLVM IR, assembly, an object or a shared library; or LaTeX, DOT");
    add_formula_options(*app, options.common);
    app->add_option("--format", options.format, std::string("what to write: ") + kFormatList);
    app->add_flag("--grad", options.grad, "the kernel computes the gradient too");
    app->add_flag("--hessian", options.hessian, "the kernel computes the gradient and the Hessian too");
    app->add_option("--cpu", options.cpu,
                    "machine code for this CPU (x86-64-v2, skylake, ...); default: this machine's");
    options.name_option = app->add_option("--name", options.name, "the kernel's C symbol (default: kernel)");
    app->add_option("-o,--output", options.output, "write to FILE instead of standard output");
    app->footer(
        "Examples:\n"
        "  gradc emit \"x^2*sin(y)\" --format c --grad               C source of f and its gradient\n"
        "  gradc emit \"x^2*sin(y)\" --format so --grad -o libf.so   libf.so and its header libf.h\n"
        "  gradc emit \"x^2*sin(y)\" --format asm --cpu x86-64-v2    assembly for another machine\n"
        "  gradc emit \"x^2*sin(y)\" --format latex --hessian        LaTeX of f and its derivatives");
    return app;
}

int run_emit(const EmitOptions& options) {
    const Format format = format_of(options.format);
    check_options(options, format);
    ExprContext ctx;
    ctx.set_max_nodes(limits().max_nodes);
    const std::string source = read_formula(options.common.source);
    const Program program = parse(ctx, source, limits().parse);
    const Derivatives derivatives =
        options.hessian ? Derivatives::Hessian : (options.grad ? Derivatives::Gradient : Derivatives::None);
    // Code (and its DAG) differentiates the stable forms, as the JIT does; LaTeX shows
    // the formula as written.
    const bool as_code = format != Format::Latex;
    AotKernel kernel = aot_point_kernel(ctx, options.name, program.outputs, program.variables, derivatives, as_code);
    kernel.formula = source;
    JitOptions jit;
    jit.cpu = options.cpu;
    jit.max_kernel_size = limits().max_kernel_size;
    switch (format) {
        case Format::C: write_text(options.output, emit_c_source(std::span(&kernel, 1), jit)); break;
        case Format::Llvm:
        case Format::Asm:
        case Format::Obj:
        case Format::So: emit_machine_code(format, options, kernel, jit); break;
        case Format::Latex:
            write_text(options.output, latex_lines(ctx, kernel, program.outputs.size(), derivatives));
            break;
        case Format::Dot: write_text(options.output, to_dot(kernel.outputs)); break;
    }
    return kExitOk;
}

}  // namespace gradc::cli
