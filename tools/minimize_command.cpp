// `gradc minimize EXPR --from x=-1.2,y=1`: a minimum of the formula near the starting
// point, by L-BFGS or a first-order optimizer running on its compiled gradient.
#include "minimize_command.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string_view>
#include <utility>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"
#include "point.hpp"
#include "run_watch.hpp"

namespace gradc::cli {
namespace {

// "x=1,y=1" with the formula's variables, for messages.
std::string example_point(const std::vector<Expr>& variables) {
    std::string text;
    for (std::size_t i = 0; i < variables.size(); ++i)
        text.append(i ? "," : "").append(variables[i]->name()).append("=1");
    return text;
}

// The starting value of every variable from --from, in the variables' order. The text
// is read as --at's is (point.hpp), with its messages naming --from.
std::vector<double> starting_point(const MinimizeCommandOptions& options, const std::vector<Expr>& variables) {
    if (options.from_option->count() == 0)
        throw Error("minimize needs a starting point: give every variable a value, as in --from " +
                    example_point(variables));
    std::vector<std::pair<std::string, double>> pairs;
    try {
        pairs = parse_assignments(options.from);
    } catch (const Error& e) {
        std::string message = e.what();
        for (std::size_t at = message.find("--at"); at != std::string::npos; at = message.find("--at", at))
            message.replace(at, 4, "--from");
        throw Error(message);
    }
    std::vector<double> start(variables.size());
    std::vector<bool> given(variables.size(), false);
    for (const auto& [name, value] : pairs) {
        std::size_t k = 0;
        while (k < variables.size() && variables[k]->name() != name) ++k;
        if (k == variables.size())
            throw Error("unknown variable '" + name + "' in --from; the formula's variables are " +
                        variable_names(variables));
        if (given[k]) throw Error("--from gives " + name + " twice");
        start[k] = value;
        given[k] = true;
    }
    for (std::size_t k = 0; k < variables.size(); ++k)
        if (!given[k])
            throw Error("--from needs a starting value for " + std::string(variables[k]->name()) + ", as in --from " +
                        example_point(variables));
    return start;
}

MinimizeOptions minimize_options(const MinimizeCommandOptions& options) {
    MinimizeOptions o;
    o.method = method_named(options.optimizer);
    if (options.lr_option->count() > 0) {
        if (!(options.lr > 0) || !std::isfinite(options.lr))
            throw Error("--lr must be a positive number, as in --lr 0.01");
        o.learning_rate = options.lr;
    }
    if (options.max_iterations < 0) throw Error("--max-iter must be 0 or more, as in --max-iter 1000");
    o.max_iterations = static_cast<std::size_t>(options.max_iterations);
    if (!(options.gradient_tolerance > 0) || !std::isfinite(options.gradient_tolerance))
        throw Error("--gtol must be a positive number, as in --gtol 1e-8");
    o.gradient_tolerance = options.gradient_tolerance;
    if (options.ftol_option->count() > 0) {
        if (!(options.value_tolerance >= 0) || !std::isfinite(options.value_tolerance))
            throw Error("--ftol must be 0 (off) or a positive number, as in --ftol 1e-10");
        o.value_tolerance = options.value_tolerance;
    }
    return o;
}

// --history: the value at the start (iteration 0) and after every step.
void write_history(const std::string& path, const RunWatch& watch) {
    std::ofstream out(path);
    if (!out) throw Error("cannot write the history to '" + path + "': check that its folder exists");
    out << "iteration,value\n";
    for (std::size_t k = 0; k < watch.steps().size(); ++k)
        out << static_cast<std::size_t>(watch.steps()[k]) << ',' << number_text(watch.values()[k]) << '\n';
}

// Numbers in the text: an optimizer's answer is good to its tolerance, not to 17
// digits, so 10 significant digits (--json keeps every bit).
std::string rounded(double v) {
    if (!std::isfinite(v)) return number_text(v);
    char text[32];
    std::snprintf(text, sizeof text, "%.10g", v);
    return text;
}

// The library's reason, with the command's own way out where there is one.
std::string explanation(const MinimizeResult& result, const MinimizeOptions& options) {
    std::string text = result.message;
    switch (result.reason) {
        case StopReason::MaxIterations:
            text.append("; allow more with --max-iter");
            if (options.method != Method::Lbfgs) text.append(", or try --optimizer lbfgs");
            break;
        case StopReason::Diverged:
            if (options.method != Method::Lbfgs) {
                const double lr = options.learning_rate.value_or(default_learning_rate(options.method));
                text.append(", as in --lr ").append(rounded(lr / 10));
            }
            break;
        case StopReason::BadStart: text.append(" (another --from)"); break;
        case StopReason::GradientTolerance:
        case StopReason::ValueTolerance:
        case StopReason::Unbounded:
        case StopReason::LineSearchFailed: break;
    }
    return text;
}

}  // namespace

CLI::App* add_minimize_command(CLI::App& parent, MinimizeCommandOptions& options) {
    CLI::App* app = parent.add_subcommand("minimize", "a minimum of the formula near a starting point (--from)");
    // EXPR and -f as every subcommand has them; --ascii would have nothing to change.
    app->add_option("EXPR", options.common.source.expr, "the formula, e.g. \"(1 - x)^2 + 100*(y - x^2)^2\"");
    app->add_option("-f,--file", options.common.source.file, "read the formula from FILE ('-' for standard input)");
    options.from_option = app->add_option("--from", options.from, "the starting point: --from x=-1.2,y=1");
    app->add_option("--optimizer", options.optimizer,
                    "lbfgs (default), gd (or sgd), momentum, nesterov, adagrad, rmsprop, adam or adamw");
    options.lr_option =
        app->add_option("--lr", options.lr, "the learning rate (default: the optimizer's, as in PyTorch)");
    app->add_option("--max-iter", options.max_iterations, "the most steps to take (default 1000)");
    app->add_option("--gtol,--tol", options.gradient_tolerance,
                    "converged when every partial derivative is within this of 0 (default 1e-8)");
    options.ftol_option = app->add_option(
        "--ftol", options.value_tolerance,
        "converged when a step changes the value by at most this of itself (default 1e-10 for lbfgs, off for the "
        "others; 0 turns it off)");
    app->add_option("--history", options.history, "write the value at every iteration to a CSV file");
    app->add_option("--plot", options.plot, "draw the value at every iteration as an SVG chart");
    app->add_flag("--json", options.common.json, "write JSON for scripts");
    add_optimizer_options(*app, options.tuning);
    app->footer(
        "Examples:\n"
        "  gradc minimize \"(1 - x)^2 + 100*(y - x^2)^2\" --from x=-1.2,y=1\n"
        "  gradc minimize \"x^2 + 10*y^2\" --from x=1,y=1 --optimizer momentum --lr 0.01 --momentum 0.5\n"
        "  gradc minimize \"x^2 + 10*y^2\" --from x=1,y=1 --optimizer adam --lr 0.1 --schedule cosine:1000 "
        "--plot value.svg");
    return app;
}

int run_minimize(const MinimizeCommandOptions& options) {
    MinimizeOptions settings = minimize_options(options);
    const OptimizerChoice choice = choose_optimizer(settings.method, settings.learning_rate, options.tuning);
    settings.history = choice.lbfgs_history;
    ExprContext ctx;
    const Formula formula = load_formula(ctx, options.common);
    const Program& program = formula.program;
    if (program.outputs.size() != 1)
        throw Error("minimize takes a formula with one result; this one has " + std::to_string(program.outputs.size()));
    if (program.variables.empty()) throw Error("the formula has no variables to minimize over");
    const std::vector<double> start = starting_point(options, program.variables);
    const Objective objective =
        kernel_objective(compile_point(command_jit(), ctx, program.outputs[0], program.variables));
    RunWatch watch("iteration", "value", settings.max_iterations, options.common.json, options.plot,
                   !options.history.empty());
    std::vector<double> gradient(start.size());
    watch.record(0, objective(start, gradient));
    settings.on_iteration = [&watch](const MinimizeResult& progress) {
        watch.record(progress.iterations, progress.value);
    };
    const MinimizeResult result = choice.optimizer ? minimize(objective, start, *choice.optimizer, settings)
                                                   : minimize(objective, start, settings);
    watch.finish(options.common.source.expr.empty() ? options.common.source.file : options.common.source.expr);
    if (!options.history.empty()) write_history(options.history, watch);

    const std::string why = explanation(result, settings);
    if (options.common.json) {
        // The reason first, as print_json writes warnings before the JSON.
        if (!result.converged) std::cerr << "gradc: not converged: " << why << '\n';
        JsonObject x;
        for (std::size_t i = 0; i < result.x.size(); ++i)
            x.emplace_back(std::string(program.variables[i]->name()), result.x[i]);
        print_json(JsonObject{{"x", std::move(x)},
                              {"value", result.value},
                              {"iterations", static_cast<double>(result.iterations)},
                              {"evaluations", static_cast<double>(result.evaluations)},
                              {"converged", Json(result.converged)}});
    } else {
        for (std::size_t i = 0; i < result.x.size(); ++i)
            std::cout << program.variables[i]->name() << " = " << rounded(result.x[i]) << '\n';
        std::cout << "value = " << rounded(result.value) << '\n'
                  << "iterations = " << result.iterations << '\n'
                  << "evaluations = " << result.evaluations << '\n'
                  << (result.converged ? "converged: " : "not converged: ") << why << '\n';
    }
    return result.converged ? kExitOk : kExitCheckFailed;
}

}  // namespace gradc::cli
