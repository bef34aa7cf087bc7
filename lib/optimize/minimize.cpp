// minimize(): the loop that runs a first-order optimizer, or L-BFGS, until a
// stopping rule holds; and compiled point kernels as objectives.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"
#include "lbfgs.hpp"
#include "stopping.hpp"

namespace gradc {

Objective kernel_objective(Kernel kernel) {
    const std::size_t n = kernel.input_count();
    if (!kernel || kernel.output_count() != 1 + n)
        throw Error(
            "an objective kernel gives one value and its gradient: compile it with compile_point() and "
            "Derivatives::Gradient from a single value");
    // One buffer per objective: the kernel writes the value and gradient side by side.
    return [kernel, out = std::vector<double>(1 + n)](std::span<const double> x, std::span<double> grad) mutable {
        if (x.size() != out.size() - 1 || grad.size() != x.size())
            throw Error("the objective takes " + std::to_string(out.size() - 1) + " values, one per input");
        kernel(x.data(), out.data());
        std::copy(out.begin() + 1, out.end(), grad.begin());
        return out[0];
    };
}

MinimizeResult minimize(const Objective& f, std::span<const double> x0, Optimizer& optimizer,
                        const MinimizeOptions& options) {
    optim::check_stop_options(options);
    MinimizeResult result;
    result.x.assign(x0.begin(), x0.end());
    result.gradient.assign(x0.size(), 0.0);
    result.value = f(result.x, result.gradient);
    result.evaluations = 1;
    if (std::string bad = optim::bad_start_message(result.value, result.gradient); !bad.empty()) {
        optim::finish(result, StopReason::BadStart, std::move(bad));
        return result;
    }
    const optim::StopRules rules(options, result.value);
    std::vector<double> x(x0.size()), grad(x0.size());
    for (;;) {
        if (rules.gradient_small(result.gradient)) {
            optim::finish(result, StopReason::GradientTolerance, optim::gradient_message(options));
            return result;
        }
        if (result.iterations >= options.max_iterations) {
            optim::finish(result, StopReason::MaxIterations, optim::max_iterations_message(options, result));
            return result;
        }
        x = result.x;
        const double lr = optimizer.current_learning_rate();
        optimizer.step(x, result.gradient);
        const double value = f(x, grad);
        ++result.evaluations;
        std::string message;
        // A bad point is not taken: the result keeps the last good one.
        if (const auto bad = rules.verdict(value, grad, result.iterations + 1, lr, message)) {
            optim::finish(result, *bad, std::move(message));
            return result;
        }
        const double before = result.value;
        std::swap(result.x, x);
        std::swap(result.gradient, grad);
        result.value = value;
        ++result.iterations;
        if (options.on_iteration) options.on_iteration(result);
        if (rules.value_settled(before, value, result.x, result.gradient) && !rules.gradient_small(result.gradient)) {
            optim::finish(result, StopReason::ValueTolerance, optim::value_message(options));
            return result;
        }
    }
}

MinimizeResult minimize(const Objective& f, std::span<const double> x0, const MinimizeOptions& options) {
    if (options.learning_rate && !(*options.learning_rate > 0 && std::isfinite(*options.learning_rate)))
        throw Error("the learning rate must be a positive number, as in 0.01");
    if (options.method != Method::Lbfgs) {
        const std::unique_ptr<Optimizer> optimizer = make_optimizer(options.method, options.learning_rate);
        optimizer->set_schedule(options.schedule);
        return minimize(f, x0, *optimizer, options);
    }
    optim::check_stop_options(options);
    if (options.history < 1) throw Error("L-BFGS needs a history of at least 1 pair, as in 10");
    return optim::minimize_lbfgs(f, x0, options);
}

}  // namespace gradc
