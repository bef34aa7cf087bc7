// The gradc command line.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>
#include <new>
#include <string>
#include <vector>

#include "check_command.hpp"
#include "cli_common.hpp"
#include "diff_command.hpp"
#include "emit_command.hpp"
#include "eval_command.hpp"
#include "fit_command.hpp"
#include "grad_command.hpp"
#include "gradc/error.hpp"
#include "hessian_command.hpp"
#include "jacobian_command.hpp"
#include "minimize_command.hpp"
#include "predict_command.hpp"

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

// Options followed by a value, which is never the formula.
bool takes_value(const std::string& arg) {
    return arg == "-f" || arg == "--file" || arg == "--at" || arg == "--wrt" || arg == "--order" ||
           arg == "--tolerance" || arg == "--points" || arg == "--seed" || arg == "--format" || arg == "--cpu" ||
           arg == "--name" || arg == "-o" || arg == "--output" || arg == "--from" ||
           arg == "--optimizer" || arg == "--lr" || arg == "--max-iter" || arg == "--tol" || arg == "--ftol" ||
           arg == "--gtol" || arg == "--data" ||
           arg == "--target" || arg == "--loss" || arg == "--epochs" || arg == "--batch-size" ||
           arg == "--validation" || arg == "--patience" || arg == "--l1" || arg == "--l2" || arg == "--param" ||
           arg == "--history" || arg == "--save" || arg == "--plot" || arg == "--momentum" ||
           arg == "--weight-decay" || arg == "--betas" || arg == "--eps" || arg == "--alpha" ||
           arg == "--schedule" || arg == "--history-size" || arg == "--mlp" || arg == "--activation" ||
           arg == "--max-length" || arg == "--max-nesting" || arg == "--max-nodes" || arg == "--max-kernel-size";
}

// A word that reads as a mistyped subcommand rather than a formula.
bool is_word(const std::string& arg) {
    return !arg.empty() && std::all_of(arg.begin(), arg.end(), [](unsigned char c) { return std::isalpha(c); });
}

}  // namespace

int main(int argc, char** argv) {
    using namespace gradc::cli;
    CLI::App app{"gradc: exact derivatives of formulas.\n\n"
                 "  gradc \"x^2*sin(y)\"          prints ∂/∂x = 2*x*sin(y) and ∂/∂y = x^2*cos(y)\n"
                 "  gradc -f model.txt          reads the formula from a file ('-' for stdin)\n"
                 "  gradc grad EXPR --at x=1,y=2  the gradient at a point; see the subcommands below\n\n"
                 "The language is described in docs/language.md, the command in docs/cli.md.",
                 "gradc"};
    CommandOptions top, grad, hessian, jacobian;
    EvalOptions eval;
    DiffOptions diff;
    CheckOptions check;
    EmitOptions emit;
    MinimizeCommandOptions minimize;
    FitCommandOptions fit;
    PredictOptions predict;
    add_grad_options(app, top);
    CLI::App* grad_app = add_grad_command(app, grad);
    CLI::App* diff_app = add_diff_command(app, diff);
    CLI::App* hessian_app = add_hessian_command(app, hessian);
    CLI::App* jacobian_app = add_jacobian_command(app, jacobian);
    CLI::App* eval_app = add_eval_command(app, eval);
    CLI::App* check_app = add_check_command(app, check);
    CLI::App* emit_app = add_emit_command(app, emit);
    CLI::App* minimize_app = add_minimize_command(app, minimize);
    CLI::App* fit_app = add_fit_command(app, fit);
    CLI::App* predict_app = add_predict_command(app, predict);
    const std::map<std::string, std::string*> formula_of = {
        {"grad", &grad.source.expr},         {"diff", &diff.common.source.expr}, {"hessian", &hessian.source.expr},
        {"jacobian", &jacobian.source.expr}, {"eval", &eval.common.source.expr},
        {"check", &check.common.source.expr}, {"emit", &emit.common.source.expr},
        {"minimize", &minimize.common.source.expr}, {"fit", &fit.common.source.expr}};

    const std::vector<std::string> in(argv + 1, argv + argc);
    // The formula that starts with '-' belongs to the subcommand, if there is one: the
    // first argument that is neither an option nor an option's value.
    std::string* formula = &top.source.expr;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == "--") break;
        if ((i > 0 && takes_value(in[i - 1])) || in[i].empty() || in[i][0] == '-') continue;
        if (const auto it = formula_of.find(in[i]); it != formula_of.end()) formula = it->second;
        break;
    }
    std::vector<std::string> forward;
    for (std::size_t i = 0; i < in.size(); ++i) {
        const std::string& arg = in[i];
        const bool is_value = i > 0 && takes_value(in[i - 1]);
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
        app.parse(args);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::ExtrasError& e) {
        if (app.get_subcommands().empty() && is_word(top.source.expr)) {
            std::cerr << "gradc: error: unknown subcommand '" << top.source.expr
                      << "'; the subcommands are grad, diff, hessian, jacobian, eval, check, emit, minimize, fit and "
                         "predict (gradc --help lists them)\n";
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
    // --ascii before the subcommand's name counts too.
    for (CommandOptions* options : {&grad, &diff.common, &hessian, &jacobian, &eval.common, &check.common, &emit.common})
        options->ascii |= top.ascii;
    try {
        if (grad_app->parsed()) return run_grad(grad);
        if (diff_app->parsed()) return run_diff(diff);
        if (hessian_app->parsed()) return run_hessian(hessian);
        if (jacobian_app->parsed()) return run_jacobian(jacobian);
        if (eval_app->parsed()) return run_eval(eval);
        if (check_app->parsed()) return run_check(check);
        if (emit_app->parsed()) return run_emit(emit);
        if (minimize_app->parsed()) return run_minimize(minimize);
        if (fit_app->parsed()) return run_fit(fit);
        if (predict_app->parsed()) return run_predict(predict);
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
