// `gradc check EXPR [--at x=1,y=2]`: the compiled gradient against finite differences,
// at the point or at random points, with the error of each partial.
#include "check_command.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>

#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/gradcheck.hpp"
#include "gradc/tensor_parse.hpp"
#include "tensor_formula.hpp"

namespace gradc::cli {
namespace {

std::vector<std::vector<double>> check_points(const Formula& formula, const CheckOptions& options) {
    if (formula.point) return {*formula.point};
    if (options.points < 1) throw Error("--points must be 1 or more, as in --points 5");
    // Positive values keep log, sqrt and friends defined, so most formulas check as typed.
    std::mt19937_64 random(options.seed);
    std::uniform_real_distribution<double> uniform(0.5, 2.0);
    std::vector<std::vector<double>> points(static_cast<std::size_t>(options.points));
    for (auto& p : points)
        for (std::size_t i = 0; i < formula.program.variables.size(); ++i) p.push_back(uniform(random));
    return points;
}

// The worst check of each --wrt variable for one result, over all points: the compiled
// gradient against finite differences of the compiled value.
GradcheckResult check_result(ExprContext& ctx, const Formula& formula, Expr f,
                             const std::vector<std::vector<double>>& points, double tolerance) {
    const std::vector<Expr>& variables = formula.program.variables;
    std::vector<Expr> outputs = gradient(ctx, f, formula.wrt);
    outputs.insert(outputs.begin(), f);
    const Kernel kernel = command_jit().compile(outputs, variables);
    std::vector<double> out(outputs.size());
    const PointFunction value = [&](std::span<const double> x, std::span<double> v) {
        kernel(x.data(), out.data());
        v[0] = out[0];
    };
    const PointFunction partials = [&](std::span<const double> x, std::span<double> d) {
        kernel(x.data(), out.data());
        std::copy(out.begin() + 1, out.end(), d.begin());
    };
    std::vector<std::size_t> inputs;
    for (const Expr w : formula.wrt)
        inputs.push_back(
            static_cast<std::size_t>(std::find(variables.begin(), variables.end(), w) - variables.begin()));
    return gradcheck(value, partials, 1, inputs, points, GradcheckOptions{.tolerance = tolerance});
}

std::string point_text(const Formula& formula, const std::vector<double>& at) {
    std::string text;
    for (std::size_t i = 0; i < at.size(); ++i)
        text.append(i ? ", " : "").append(formula.program.variables[i]->name()).append("=").append(number_text(at[i]));
    return text;
}

}  // namespace

CLI::App* add_check_command(CLI::App& parent, CheckOptions& options) {
    CLI::App* app =
        add_subcommand(parent, "check", "the compiled gradient against finite differences (exit 1 when they disagree)",
                       options.common, true);
    app->add_option("--tolerance", options.tolerance, "largest accepted relative error (default 1e-6)");
    app->add_option("--points", options.points, "how many random points without --at (default 3)");
    app->add_option("--seed", options.seed, "seed of the random points (default 1)");
    app->footer(
        "Examples:\n"
        "  gradc check \"x^2*sin(y)\"                  at 3 random points in [0.5, 2)\n"
        "  gradc check \"x^2*sin(y)\" --at x=1,y=2     at one point\n"
        "  gradc check \"floor(3*x)\" --at x=1         fails (exit 1): a kink");
    return app;
}

int run_check(const CheckOptions& options) {
    if (!(options.tolerance > 0)) throw Error("--tolerance must be a positive number, as in --tolerance 1e-8");
    const std::string source = read_formula(options.common.source);
    if (declares_tensors(source)) return run_tensor_check(options, source);
    ExprContext ctx;
    Formula formula = load_formula(ctx, options.common, source);
    use_stable_forms(ctx, formula);  // the gradient checked is the one kernels compile
    const std::vector<std::vector<double>> points = check_points(formula, options);
    const Program& program = formula.program;
    const Notation notation(options.common.ascii);
    double largest = 0.0;
    JsonArray partials_json;
    for (std::size_t k = 0; k < program.outputs.size(); ++k) {
        const std::vector<PartialCheck> checks =
            check_result(ctx, formula, program.outputs[k], points, options.tolerance).partials;
        JsonObject partials;
        if (!options.common.json) print_result_header(std::cout, ctx, program, k);
        for (std::size_t i = 0; i < checks.size(); ++i) {
            const PartialCheck& c = checks[i];
            largest = std::max(largest, c.error);
            const std::string name(formula.wrt[i]->name());
            if (options.common.json) {
                partials.emplace_back(name, JsonObject{{"symbolic", c.computed},
                                                       {"numeric", c.numeric},
                                                       {"rel_error", c.error},
                                                       {"at", JsonArray(c.at.begin(), c.at.end())}});
                continue;
            }
            std::cout << notation.partial(formula.wrt[i]) << ": compiled " << number_text(c.computed)
                      << ", finite differences " << number_text(c.numeric) << ", error " << number_text(c.error);
            if (points.size() > 1) std::cout << " (worst at " << point_text(formula, c.at) << ")";
            std::cout << (c.error > options.tolerance ? "  FAILED" : "") << '\n';
        }
        partials_json.emplace_back(std::move(partials));
    }
    return check_summary(options, largest, points.size(), std::move(partials_json));
}

}  // namespace gradc::cli
