// The stopping rules minimize() applies after every step, shared by the first-order
// loop and L-BFGS, and the messages that say why a run stopped.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>

#include "gradc/optimize.hpp"

// The optimize layer's private names are in gradc::optim (torch.optim's name), apart
// from the LLVM pass pipeline's optimize() (backend/optimize.hpp).
namespace gradc::optim {

// max |v_i|, or NaN when an entry is NaN; 0 for an empty span.
double largest_magnitude(std::span<const double> v);

// The relative value tolerance in force: the option, or the method's default.
double value_tolerance(const MinimizeOptions& options);

// Throws gradc::Error for stopping options that are not usable numbers.
void check_stop_options(const MinimizeOptions& options);

class StopRules {
public:
    // `value0` is f(x0), finite: divergence is measured from it.
    StopRules(const MinimizeOptions& options, double value0);

    bool gradient_small(std::span<const double> grad) const;
    // The relative change from `before` to `after` is within the value tolerance, and
    // the gradient at the point reached is small relative to the value there.
    bool value_settled(double before, double after, std::span<const double> x, std::span<const double> grad) const;
    // Diverged or Unbounded, with its message in `message`, when the value and
    // gradient at the point reached by step `iteration` end the run. `lr` > 0 is the
    // learning rate the advice to lower it names; 0 leaves the learning rate out.
    std::optional<StopReason> verdict(double value, std::span<const double> grad, std::size_t iteration, double lr,
                                      std::string& message) const;

private:
    const MinimizeOptions& options_;
    double value0_;
    double limit_;  // how far from value0 the value may move before the run stops
    double value_tolerance_;
};

// max_i |∂f/∂x_i|·max(|x_i|, 1) / |f|: the relative change of f, to first order, when
// one coordinate changes by its own size (or by 1 near 0). It goes to 0 at a minimum
// where f ≠ 0, whatever the scale of f or of the coordinates; infinite when f = 0.
double relative_gradient(std::span<const double> x, double value, std::span<const double> grad);

// Records why the run stopped (converged for the two tolerance reasons).
void finish(MinimizeResult& result, StopReason reason, std::string message);

// The messages of the reasons that need no more than the options and the result.
std::string gradient_message(const MinimizeOptions& options);
std::string value_message(const MinimizeOptions& options);
std::string rounding_message(double relative_gradient);
std::string max_iterations_message(const MinimizeOptions& options, const MinimizeResult& result);
// BadStart's message, or empty when f(x0) and its gradient are finite.
std::string bad_start_message(double value, std::span<const double> grad);

}  // namespace gradc::optim
