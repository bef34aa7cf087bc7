// Gradient checking, gradc's torch.autograd.gradcheck: computed partial derivatives
// against central finite differences of the function's values, at chosen points.
//
// Each partial ∂f_k/∂x_i is estimated by central differences with one Richardson step,
//   D(h) = (f(x + h·e_i) − f(x − h·e_i)) / 2h,   numeric = (4·D(h/2) − D(h)) / 3,
// with h = step·max(1, |x_i|): the error is O(h⁴) for a smooth f (h = 1e-3 leaves about
// 1e-12 of truncation and 1e-13/h of rounding relative to f's scale). The disagreement
// of a partial is |a − n| / max(1, |a|, |n|): relative, absolute below 1; NaN on both
// sides agrees, NaN or infinity on one side is an infinite disagreement.
#pragma once

#include <cstddef>
#include <functional>
#include <span>
#include <vector>

#include "gradc/expr.hpp"

namespace gradc {

// Writes the values of a function's outputs at x into `out`.
using PointFunction = std::function<void(std::span<const double> x, std::span<double> out)>;

struct GradcheckOptions {
    double tolerance = 1e-6;  // the largest disagreement accepted
    double step = 1e-3;       // h relative to max(1, |x_i|)
};

// The worst disagreement of one partial derivative over the points.
struct PartialCheck {
    std::size_t output = 0;
    std::size_t input = 0;   // index into x
    double computed = 0.0;   // the derivative that was checked
    double numeric = 0.0;    // its finite-difference estimate
    double error = 0.0;      // their disagreement
    std::vector<double> at;  // the point where it was worst
};

struct GradcheckResult {
    bool ok = true;          // every disagreement within the tolerance
    double max_error = 0.0;  // the largest disagreement
    // One per output and checked input, output-major: partials[k·inputs + j].
    std::vector<PartialCheck> partials;
};

// |a − n| / max(1, |a|, |n|), with NaN and infinity as described above.
double disagreement(double computed, double numeric);

// The finite-difference estimate of ∂f_k/∂x_i for every output k of `values` (which has
// `outputs` of them) at `x`.
std::vector<double> finite_difference(const PointFunction& values, std::size_t outputs, std::span<const double> x,
                                      std::size_t i, double step = GradcheckOptions{}.step);

// Checks `derivatives`, which writes d[k·inputs.size() + j] = ∂f_k/∂x_{inputs[j]} at x,
// against finite differences of `values` (f_0 ... f_{outputs−1}) at every point of
// `points`. Throws gradc::Error for a point of another length than the first, an input
// index beyond it, or options that are not positive numbers.
GradcheckResult gradcheck(const PointFunction& values, const PointFunction& derivatives, std::size_t outputs,
                          std::span<const std::size_t> inputs, std::span<const std::vector<double>> points,
                          const GradcheckOptions& options = {});

// The same for expressions: the gradients of `outputs` by `wrt` (variables among
// `variables`, the order of the points' coordinates), taken by reverse mode in `ctx`
// and evaluated with the reference interpreter.
GradcheckResult gradcheck(ExprContext& ctx, std::span<const Expr> outputs, std::span<const Expr> variables,
                          std::span<const Expr> wrt, std::span<const std::vector<double>> points,
                          const GradcheckOptions& options = {});

}  // namespace gradc
