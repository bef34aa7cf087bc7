// gradcheck(): partial derivatives against Richardson-extrapolated central differences.
#include "gradc/gradcheck.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "gradc/autodiff.hpp"
#include "gradc/error.hpp"
#include "gradc/eval.hpp"

namespace gradc {

double disagreement(double computed, double numeric) {
    if (std::isnan(computed) && std::isnan(numeric)) return 0.0;
    if (std::isnan(computed) || std::isnan(numeric)) return INFINITY;
    if (computed == numeric) return 0.0;  // also equal infinities
    return std::fabs(computed - numeric) / std::max({1.0, std::fabs(computed), std::fabs(numeric)});
}

std::vector<double> finite_difference(const PointFunction& values, std::size_t outputs, std::span<const double> x,
                                      std::size_t i, double step) {
    std::vector<double> at(x.begin(), x.end()), plus(outputs), minus(outputs), wide(outputs), numeric(outputs);
    const double h = step * std::max(1.0, std::fabs(x[i]));
    // D(width) for every output, into `into`.
    const auto central = [&](double width, std::vector<double>& into) {
        at[i] = x[i] + width;
        values(at, plus);
        at[i] = x[i] - width;
        values(at, minus);
        for (std::size_t k = 0; k < outputs; ++k) into[k] = (plus[k] - minus[k]) / (2 * width);
    };
    central(h, wide);
    central(h / 2, numeric);
    for (std::size_t k = 0; k < outputs; ++k) numeric[k] = (4 * numeric[k] - wide[k]) / 3;
    return numeric;
}

GradcheckResult gradcheck(const PointFunction& values, const PointFunction& derivatives, std::size_t outputs,
                          std::span<const std::size_t> inputs, std::span<const std::vector<double>> points,
                          const GradcheckOptions& options) {
    if (!(options.tolerance > 0)) throw Error("the gradcheck tolerance must be a positive number, as in 1e-6");
    if (!(options.step > 0 && std::isfinite(options.step)))
        throw Error("the gradcheck step must be a positive number, as in 1e-3");
    GradcheckResult result;
    result.partials.resize(outputs * inputs.size());
    for (std::size_t k = 0; k < outputs; ++k)
        for (std::size_t j = 0; j < inputs.size(); ++j) {
            PartialCheck& p = result.partials[k * inputs.size() + j];
            p.output = k;
            p.input = inputs[j];
            p.error = -1;  // any disagreement, even 0, replaces it at the first point
        }
    std::vector<double> computed(outputs * inputs.size());
    for (const std::vector<double>& x : points) {
        if (x.size() != points.front().size())
            throw Error("every gradcheck point needs " + std::to_string(points.front().size()) + " coordinates");
        derivatives(x, computed);
        for (std::size_t j = 0; j < inputs.size(); ++j) {
            if (inputs[j] >= x.size())
                throw Error("gradcheck input " + std::to_string(inputs[j]) + " is beyond the point's " +
                            std::to_string(x.size()) + " coordinates");
            const std::vector<double> numeric = finite_difference(values, outputs, x, inputs[j], options.step);
            for (std::size_t k = 0; k < outputs; ++k) {
                PartialCheck& p = result.partials[k * inputs.size() + j];
                const double a = computed[k * inputs.size() + j];
                const double error = disagreement(a, numeric[k]);
                if (error > p.error) {
                    p.computed = a;
                    p.numeric = numeric[k];
                    p.error = error;
                    p.at = x;
                }
            }
        }
    }
    for (PartialCheck& p : result.partials) {
        p.error = std::max(p.error, 0.0);  // no points: nothing disagreed
        result.max_error = std::max(result.max_error, p.error);
    }
    result.ok = result.max_error <= options.tolerance;
    return result;
}

GradcheckResult gradcheck(ExprContext& ctx, std::span<const Expr> outputs, std::span<const Expr> variables,
                          std::span<const Expr> wrt, std::span<const std::vector<double>> points,
                          const GradcheckOptions& options) {
    std::vector<std::size_t> inputs;
    for (const Expr w : wrt) {
        const auto at = std::find(variables.begin(), variables.end(), w);
        if (at == variables.end())
            throw Error("gradcheck by '" + std::string(w->name()) + "', which is not among the variables");
        inputs.push_back(static_cast<std::size_t>(at - variables.begin()));
    }
    std::vector<Expr> partials;
    for (const Expr f : outputs)
        for (const Expr d : gradient(ctx, f, wrt)) partials.push_back(d);
    const Interpreter value_program(outputs, variables), partial_program(partials, variables);
    const PointFunction values = [&](std::span<const double> x, std::span<double> out) { value_program.run(x, out); };
    const PointFunction derivatives = [&](std::span<const double> x, std::span<double> out) {
        partial_program.run(x, out);
    };
    return gradcheck(values, derivatives, outputs.size(), inputs, points, options);
}

}  // namespace gradc
