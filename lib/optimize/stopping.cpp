#include "stopping.hpp"

#include <algorithm>
#include <cmath>

#include "gradc/error.hpp"
#include "support/short_number.hpp"

namespace gradc::optim {

using support::short_number;

double largest_magnitude(std::span<const double> v) {
    double largest = 0.0;
    for (const double x : v) {
        if (std::isnan(x)) return x;
        largest = std::max(largest, std::fabs(x));
    }
    return largest;
}

void check_stop_options(const MinimizeOptions& options) {
    // NaN fails every comparison, so each test is written to let only good values pass.
    if (!(options.gradient_tolerance >= 0)) throw Error("the gradient tolerance must be 0 or more, as in 1e-8");
    if (options.value_tolerance && !(*options.value_tolerance >= 0))
        throw Error("the value tolerance must be 0 or more, as in 1e-10");
    if (!(options.divergence_ratio > 0)) throw Error("the divergence ratio must be a positive number, as in 1e10");
}

double value_tolerance(const MinimizeOptions& options) {
    return options.value_tolerance.value_or(options.method == Method::Lbfgs ? kLbfgsValueTolerance : 0.0);
}

StopRules::StopRules(const MinimizeOptions& options, double value0)
    : options_(options),
      value0_(value0),
      limit_(options.divergence_ratio * std::max(1.0, std::fabs(value0))),
      value_tolerance_(value_tolerance(options)) {}

bool StopRules::gradient_small(std::span<const double> grad) const {
    return largest_magnitude(grad) <= options_.gradient_tolerance;
}

double relative_gradient(std::span<const double> x, double value, std::span<const double> grad) {
    double largest = 0.0;
    for (std::size_t i = 0; i < x.size(); ++i)
        largest = std::max(largest, std::fabs(grad[i]) * std::max(std::fabs(x[i]), 1.0));
    return largest == 0 ? 0.0 : largest / std::fabs(value);
}

bool StopRules::value_settled(double before, double after, std::span<const double> x,
                              std::span<const double> grad) const {
    return value_tolerance_ > 0 &&
           std::fabs(before - after) <= value_tolerance_ * std::max(std::fabs(before), std::fabs(after)) &&
           relative_gradient(x, after, grad) <= kSettledRelativeGradient;
}

std::optional<StopReason> StopRules::verdict(double value, std::span<const double> grad, std::size_t iteration,
                                             double lr, std::string& message) const {
    const std::string at = " at iteration " + std::to_string(iteration);
    const std::string advice =
        lr > 0 ? "; the learning rate " + short_number(lr) + " is too large: try a smaller one" : "";
    if (value == -INFINITY || (std::isfinite(value) && value < value0_ - limit_)) {
        message = "the value fell from " + short_number(value0_) + " to " + short_number(value) + at +
                  ": the function seems to have no minimum";
        return StopReason::Unbounded;
    }
    if (!std::isfinite(value)) {
        message = "the value became " + short_number(value) + at + advice;
        return StopReason::Diverged;
    }
    if (value > value0_ + limit_) {
        message = "the value grew from " + short_number(value0_) + " to " + short_number(value) + at + advice;
        return StopReason::Diverged;
    }
    const double g = largest_magnitude(grad);
    if (!std::isfinite(g)) {
        message = "the gradient became " + short_number(g) + at + advice;
        return StopReason::Diverged;
    }
    return std::nullopt;
}

void finish(MinimizeResult& result, StopReason reason, std::string message) {
    result.reason = reason;
    result.converged = reason == StopReason::GradientTolerance || reason == StopReason::ValueTolerance;
    result.message = std::move(message);
}

std::string gradient_message(const MinimizeOptions& options) {
    return "every partial derivative is within " + short_number(options.gradient_tolerance) + " of 0";
}

std::string value_message(const MinimizeOptions& options) {
    return "relative reduction of the value below ftol: the last step changed it by at most " +
           short_number(value_tolerance(options)) + " of itself";
}

std::string rounding_message(double relative_gradient) {
    return "no step lowers the value any more, and the gradient is small relative to it (relative gradient " +
           short_number(relative_gradient) + "): the value is as low as rounding allows";
}

std::string max_iterations_message(const MinimizeOptions& options, const MinimizeResult& result) {
    return "reached the limit of " + std::to_string(options.max_iterations) +
           " iterations with a partial derivative still at " + short_number(largest_magnitude(result.gradient)) +
           " (tolerance " + short_number(options.gradient_tolerance) + ")";
}

std::string bad_start_message(double value, std::span<const double> grad) {
    const double g = largest_magnitude(grad);
    if (std::isfinite(value) && std::isfinite(g)) return "";
    const std::string what = std::isfinite(value) ? "the gradient" : "the value";
    return what + " at the starting point is " + short_number(std::isfinite(value) ? g : value) +
           ": start where the function and its derivatives are defined";
}

}  // namespace gradc::optim
