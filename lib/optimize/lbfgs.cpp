// L-BFGS: Nocedal & Wright, Numerical Optimization (2nd ed.), algorithm 7.5 with the
// two-loop recursion of algorithm 7.4, every step chosen by the strong Wolfe line search.
#include "lbfgs.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "stopping.hpp"
#include "support/short_number.hpp"

namespace gradc::optim {

using support::short_number;
namespace {

double dot(std::span<const double> a, std::span<const double> b) {
    double sum = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
    return sum;
}

// The last m curvature pairs, newest at the back.
class History {
public:
    explicit History(std::size_t m) : m_(m) {}

    // Keeps (s, y) when sᵀy is clearly positive: then H stays positive definite.
    // Strong Wolfe steps guarantee it; a step the line search could not finish may not.
    void add(std::vector<double> s, std::vector<double> y) {
        const double sy = dot(s, y);
        if (!(sy > 1e-10 * std::sqrt(dot(s, s) * dot(y, y)))) return;
        if (pairs_.size() == m_) pairs_.pop_front();
        pairs_.push_back(Pair{std::move(s), std::move(y), 1 / sy});
    }
    void clear() { pairs_.clear(); }
    bool empty() const { return pairs_.empty(); }

    // d = −H·g by the two-loop recursion, with H₀ = (sᵀy / yᵀy)·I from the newest pair.
    std::vector<double> direction(std::span<const double> g) const {
        std::vector<double> q(g.begin(), g.end());
        std::vector<double> alpha(pairs_.size());
        for (std::size_t k = pairs_.size(); k-- > 0;) {
            const Pair& p = pairs_[k];
            alpha[k] = p.rho * dot(p.s, q);
            for (std::size_t i = 0; i < q.size(); ++i) q[i] -= alpha[k] * p.y[i];
        }
        if (!pairs_.empty()) {
            const Pair& newest = pairs_.back();
            const double gamma = 1 / (newest.rho * dot(newest.y, newest.y));
            for (double& v : q) v *= gamma;
        }
        for (std::size_t k = 0; k < pairs_.size(); ++k) {
            const Pair& p = pairs_[k];
            const double beta = p.rho * dot(p.y, q);
            for (std::size_t i = 0; i < q.size(); ++i) q[i] += (alpha[k] - beta) * p.s[i];
        }
        for (double& v : q) v = -v;
        return q;
    }

private:
    struct Pair {
        std::vector<double> s, y;
        double rho;  // 1 / sᵀy
    };
    std::size_t m_;
    std::deque<Pair> pairs_;
};

}  // namespace

MinimizeResult minimize_lbfgs(const Objective& f, std::span<const double> x0, const MinimizeOptions& options) {
    const std::size_t n = x0.size();
    const double lr = options.learning_rate.value_or(default_learning_rate(Method::Lbfgs));
    MinimizeResult result;
    result.x.assign(x0.begin(), x0.end());
    result.gradient.assign(n, 0.0);
    result.value = f(result.x, result.gradient);
    result.evaluations = 1;
    if (std::string bad = bad_start_message(result.value, result.gradient); !bad.empty()) {
        finish(result, StopReason::BadStart, std::move(bad));
        return result;
    }
    const StopRules rules(options, result.value);
    History history(options.history);

    // The line function evaluates f along x + step·d, keeping its last point, which is
    // nearly always the step the search accepts.
    std::vector<double> d, trial_x(n), trial_g(n);
    double trial_step = NAN, trial_value = NAN;
    const LineFunction phi = [&](double step, double& value, double& slope) {
        for (std::size_t i = 0; i < n; ++i) trial_x[i] = result.x[i] + step * d[i];
        value = trial_value = f(trial_x, trial_g);
        trial_step = step;
        slope = dot(trial_g, d);
        ++result.evaluations;
    };

    const auto stop = [&](StopReason reason, std::string message) {
        finish(result, reason, std::move(message));
        return std::move(result);
    };
    for (;;) {
        if (rules.gradient_small(result.gradient))
            return stop(StopReason::GradientTolerance, gradient_message(options));
        if (result.iterations >= options.max_iterations)
            return stop(StopReason::MaxIterations, max_iterations_message(options, result));
        d = history.direction(result.gradient);
        double slope0 = dot(result.gradient, d);
        if (!(slope0 < 0)) {  // rounding can spoil H; steepest descent always descends
            history.clear();
            d = history.direction(result.gradient);
            slope0 = dot(result.gradient, d);
        }
        // Without curvature pairs the direction is −g, of arbitrary length: the first
        // trial moves by at most lr in the 1-norm, as PyTorch's L-BFGS does.
        double g1 = 0.0;
        for (const double g : result.gradient) g1 += std::fabs(g);
        const double first_step = history.empty() ? lr * std::min(1.0, 1 / g1) : lr;
        const LineSearchResult search = line_search(phi, result.value, slope0, first_step, options.line_search);
        if (search.step != 0 && trial_step != search.step) {
            double slope = 0.0;
            phi(search.step, trial_value, slope);
        }
        // Near a minimum the value can round to the same while the exact gradient still
        // leads on: such a step counts as progress when it shrinks the gradient. A step
        // that does neither would be taken again and again until the iteration limit.
        const bool progress =
            search.step != 0 &&
            (trial_value < result.value ||
             (trial_value == result.value && largest_magnitude(trial_g) < largest_magnitude(result.gradient)));
        if (!progress) {
            if (!history.empty()) {  // retry along −g before giving up
                history.clear();
                continue;
            }
            const double rho = relative_gradient(result.x, result.value, result.gradient);
            if (rho <= kSettledRelativeGradient) return stop(StopReason::ValueTolerance, rounding_message(rho));
            return stop(StopReason::LineSearchFailed,
                        "no step along the gradient lowered the value at iteration " +
                            std::to_string(result.iterations) + " (largest partial derivative " +
                            short_number(largest_magnitude(result.gradient)) +
                            "): the point is as good as rounding allows, or the gradient is inexact");
        }
        std::string message;
        if (const auto bad = rules.verdict(trial_value, trial_g, result.iterations + 1, 0.0, message)) {
            if (*bad == StopReason::Unbounded) {  // the new point is as good as any: keep it
                result.x = trial_x;
                result.value = trial_value;
                result.gradient = trial_g;
                ++result.iterations;
            }
            return stop(*bad, std::move(message));
        }
        std::vector<double> s(n), y(n);
        for (std::size_t i = 0; i < n; ++i) {
            s[i] = trial_x[i] - result.x[i];
            y[i] = trial_g[i] - result.gradient[i];
        }
        history.add(std::move(s), std::move(y));
        const double before = result.value;
        result.x = trial_x;
        result.value = trial_value;
        result.gradient = trial_g;
        ++result.iterations;
        if (options.on_iteration) options.on_iteration(result);
        if (rules.value_settled(before, result.value, result.x, result.gradient) &&
            !rules.gradient_small(result.gradient))
            return stop(StopReason::ValueTolerance, value_message(options));
    }
}

}  // namespace gradc::optim
