// The gradc command line, for both executables: gradc-llvm runs every command; gradc
// runs those that generate no code and hands the others to gradc-llvm (codegen.hpp).
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "cli_common.hpp"
#include "codegen.hpp"
#include "diff_command.hpp"
#include "emit_command.hpp"
#include "eval_command.hpp"
#include "grad_command.hpp"
#include "gradc/error.hpp"
#include "hessian_command.hpp"
#include "jacobian_command.hpp"

namespace {

// A formula may start with '-' ("-x^2"), which CLI11 would take for an option. An
// argument that no option could be (a sign followed by a digit, '(' or '.', or any
// character outside option names) is the formula.
bool looks_like_formula(const std::string& arg) {
    if (arg.size() < 2 || arg[0] != '-' || arg == "--") return false;
    if (!std::isalpha(static_cast<unsigned char>(arg[1])) && arg[1] != '-') return true;
    return arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-=") !=
           std::string::npos;
}

// Whether `arg` names an option, of the command or of a subcommand, that is followed
// by a value (which is then never the formula). Asked of CLI11, so a new option needs
// no list here.
bool takes_value(const CLI::App& app, const std::string& arg) {
    if (arg.size() < 2 || arg[0] != '-') return false;
    std::vector<const CLI::App*> apps{&app};
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) apps.push_back(sub);
    for (const CLI::App* a : apps)
        if (const CLI::Option* option = a->get_option_no_throw(arg)) return option->get_expected_min() > 0;
    return false;
}

// A word that reads as a mistyped subcommand rather than a formula.
bool is_word(const std::string& arg) {
    return !arg.empty() && std::all_of(arg.begin(), arg.end(), [](unsigned char c) { return std::isalpha(c); });
}

// Whether the arguments name something that generates code: a subcommand that exists to
// compile, --jit or --data. gradc hands such a command line to gradc-llvm unparsed: it
// has not those subcommands, and would parse a line naming one differently.
bool names_code_generation(const std::vector<std::string>& in) {
    return std::any_of(in.begin(), in.end(), [](const std::string& arg) {
        return arg == "--jit" || arg.rfind("--data", 0) == 0 ||
               std::any_of(std::begin(gradc::cli::kCodegenCommandNames), std::end(gradc::cli::kCodegenCommandNames),
                           [&arg](const char* name) { return arg == name; });
    });
}

// Replaces gradc by gradc-llvm from the folder this executable is in (not from PATH:
// the one built or installed with it), with the same arguments, standard input unread.
[[noreturn]] void run_codegen_executable(char** argv) {
    char self[PATH_MAX];
    const ssize_t length = ::readlink("/proc/self/exe", self, sizeof self - 1);
    std::string path = length > 0 ? std::string(self, static_cast<std::size_t>(length)) : std::string();
    path = path.substr(0, path.rfind('/') + 1) + "gradc-llvm";
    ::execv(path.c_str(), argv);
    std::cerr << "gradc: error: cannot run " << path << " (" << std::strerror(errno)
              << "), which does the commands that generate code: install it beside gradc\n";
    std::exit(gradc::cli::kExitInternal);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace gradc::cli;
    const std::vector<std::string> in(argv + 1, argv + argc);
    // Null in gradc, which has no LLVM.
    const std::unique_ptr<CodegenCommands> codegen = codegen_commands();
    if (!codegen && names_code_generation(in)) run_codegen_executable(argv);
    CLI::App app{
        "gradc: exact derivatives of formulas.\n\n"
        "  gradc \"x^2*sin(y)\"          prints ∂/∂x = 2*x*sin(y) and ∂/∂y = x^2*cos(y)\n"
        "  gradc -f model.txt          reads the formula from a file ('-' for stdin)\n"
        "  gradc grad EXPR --at x=1,y=2  the gradient at a point; see the subcommands below\n\n"
        "The language is described in docs/language.md, the command in docs/cli.md.",
        "gradc"};
    CommandOptions top, grad, hessian, jacobian;
    EvalOptions eval;
    DiffOptions diff;
    EmitOptions emit;
    FormulaTargets formula_of = {{"grad", &grad.source.expr},        {"diff", &diff.common.source.expr},
                                 {"hessian", &hessian.source.expr},  {"jacobian", &jacobian.source.expr},
                                 {"eval", &eval.common.source.expr}, {"emit", &emit.common.source.expr}};
    add_grad_options(app, top);
    CLI::App* grad_app = add_grad_command(app, grad);
    CLI::App* diff_app = add_diff_command(app, diff);
    CLI::App* hessian_app = add_hessian_command(app, hessian);
    CLI::App* jacobian_app = add_jacobian_command(app, jacobian);
    CLI::App* eval_app = add_eval_command(app, eval);
    if (codegen) codegen->add_check(app, formula_of);
    CLI::App* emit_app = add_emit_command(app, emit);
    if (codegen) codegen->add_minimize_fit_predict(app, formula_of);
    if (codegen) codegen->add_bench(app, formula_of);

    // The formula that starts with '-' belongs to the subcommand, if there is one: the
    // first argument that is neither an option nor an option's value.
    std::string* formula = &top.source.expr;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == "--") break;
        if ((i > 0 && takes_value(app, in[i - 1])) || in[i].empty() || in[i][0] == '-') continue;
        if (const auto it = formula_of.find(in[i]); it != formula_of.end()) formula = it->second;
        break;
    }
    std::vector<std::string> forward;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const std::string& arg = in[i];
        const bool is_value = i > 0 && takes_value(app, in[i - 1]);
        // "--order -1" reaches --order (to be refused with a clear message) as "--order=-1".
        if (is_value && arg.size() > 1 && arg[0] == '-' && in[i - 1].rfind("--", 0) == 0 && in[i - 1] != "--file") {
            forward.back().append("=").append(arg);
        } else if (looks_like_formula(arg) && !is_value && formula->empty()) {
            *formula = arg;
        } else {
            forward.push_back(arg);
        }
    }
    std::vector<std::string> args(forward.rbegin(), forward.rend());  // CLI11 takes them last to first
    try {
        try {
            app.parse(args);
        } catch (const CLI::ParseError&) {
            // Help and messages about the command line are gradc-llvm's, which knows all of it.
            if (!codegen) run_codegen_executable(argv);
            throw;
        }
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ExtrasError& e) {
        if (app.get_subcommands().empty() && is_word(top.source.expr)) {
            std::cerr << "gradc: error: unknown subcommand '" << top.source.expr
                      << "'; the subcommands are grad, diff, hessian, jacobian, eval, check, emit, minimize, fit, "
                         "tune, predict, explain and bench (gradc --help lists them)\n";
            return kExitUsage;
        }
        const bool subcommand_option = std::any_of(in.begin(), in.end(), [](const std::string& arg) {
            return arg.rfind("--at", 0) == 0 || arg.rfind("--wrt", 0) == 0 || arg == "--json" || arg == "--jit" ||
                   arg.rfind("--order", 0) == 0;
        });
        const bool emit_option = std::any_of(in.begin(), in.end(), [](const std::string& arg) {
            return arg.rfind("--format", 0) == 0 || arg.rfind("--cpu", 0) == 0 || arg.rfind("--name", 0) == 0;
        });
        if (app.get_subcommands().empty() && emit_option) {
            std::cerr << "gradc: error: --format, --cpu and --name go with emit, as in: "
                         "gradc emit \"x^2*sin(y)\" --format c\n";
            return kExitUsage;
        }
        if (app.get_subcommands().empty() && subcommand_option) {
            std::cerr << "gradc: error: --at, --wrt, --order, --json and --jit go with a subcommand, as in: "
                         "gradc grad \"x^2*sin(y)\" --at x=1,y=2\n";
            return kExitUsage;
        }
        app.exit(e);
        std::cerr << "A formula that starts with '-' can follow --, as in: gradc -- -x\n";
        return kExitUsage;
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return kExitUsage;
    }
    const bool compiles = grad.jit || diff.common.jit || hessian.jit || jacobian.jit || eval.common.jit ||
                          (eval_app->parsed() && !eval.data.empty()) ||
                          (emit_app->parsed() && is_machine_code_format(emit.format));
    if (!codegen && compiles) run_codegen_executable(argv);
    // --ascii before the subcommand's name counts too.
    for (CommandOptions* options : {&grad, &diff.common, &hessian, &jacobian, &eval.common, &emit.common})
        options->ascii |= top.ascii;
    try {
        if (grad_app->parsed()) return run_grad(grad);
        if (diff_app->parsed()) return run_diff(diff);
        if (hessian_app->parsed()) return run_hessian(hessian);
        if (jacobian_app->parsed()) return run_jacobian(jacobian);
        if (eval_app->parsed()) return run_eval(eval);
        if (codegen)
            if (const std::optional<int> code = codegen->run_check(top.ascii)) return *code;
        if (emit_app->parsed()) return run_emit(emit);
        if (codegen)
            if (const std::optional<int> code = codegen->run_minimize_fit_predict()) return *code;
        if (codegen)
            if (const std::optional<int> code = codegen->run_bench()) return *code;
        return run_grad(top);
    } catch (const gradc::Error& e) {
        std::cerr << "gradc: error: " << e.what() << '\n';
        return kExitUsage;
    } catch (const std::bad_alloc&) {
        std::cerr << "gradc: error: out of memory; the formula or its derivatives are too large\n";
        return kExitUsage;
    } catch (const gradc::InternalError& e) {
        std::cerr << e.what() << '\n';
        return kExitInternal;
    }
}
