// A step length satisfying the strong Wolfe conditions: Nocedal & Wright, Numerical
// Optimization (2nd ed.), algorithm 3.5 brackets a good step by growing the trial step,
// and algorithm 3.6 ("zoom") shrinks the bracket by safeguarded cubic interpolation.
#include <algorithm>
#include <cmath>
#include <limits>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"

namespace gradc {
namespace {

struct Trial {
    double step, value, slope;
};

// The minimizer of the cubic through (a, φ(a), φ'(a)) and (b, φ(b), φ'(b)) (N&W eq. 3.59),
// kept at least a tenth of the interval away from both ends so the bracket always
// shrinks; the midpoint when the cubic has no minimizer or b's values are not finite.
double interpolate(const Trial& a, const Trial& b) {
    const double width = b.step - a.step;
    const double lo = std::min(a.step, b.step) + 0.1 * std::fabs(width);
    const double hi = std::max(a.step, b.step) - 0.1 * std::fabs(width);
    const double mid = a.step + width / 2;
    if (!std::isfinite(b.value) || !std::isfinite(b.slope)) return mid;
    const double d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.step - b.step);
    const double discriminant = d1 * d1 - a.slope * b.slope;
    if (!(discriminant >= 0)) return mid;
    const double d2 = std::copysign(std::sqrt(discriminant), width);
    const double t = b.step - width * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2);
    if (!std::isfinite(t)) return mid;
    return std::clamp(t, lo, hi);
}

class Search {
public:
    Search(const LineFunction& phi, double value0, double slope0, const LineSearchOptions& options)
        : phi_(phi), value0_(value0), slope0_(slope0), options_(options), best_{0.0, value0, slope0} {}

    LineSearchResult run(double initial_step) {
        Trial previous = best_;
        double step = std::min(initial_step, options_.max_step);
        for (bool first = true;; first = false) {
            if (exhausted()) return result(best_, false);
            const Trial t = evaluate(step);
            if (!decreases(t) || (!first && t.value >= previous.value)) return zoom(previous, t);
            if (curvature_holds(t)) return result(t, true);
            best_ = t;
            if (t.slope >= 0) return zoom(t, previous);
            if (step >= options_.max_step) return result(best_, false);
            previous = t;
            // Four times longer, the largest extrapolation Moré and Thuente allow: few
            // evaluations reach a far minimum, and zoom() narrows what it overshoots.
            step = std::min(4 * step, options_.max_step);
        }
    }

private:
    // `lo` satisfies sufficient decrease with the lowest value so far; the interval
    // between lo and hi holds a strong Wolfe step (N&W lemma before algorithm 3.6).
    LineSearchResult zoom(Trial lo, Trial hi) {
        while (!exhausted()) {
            // An interval below rounding of its own ends cannot shrink any further.
            if (std::fabs(hi.step - lo.step) <=
                4 * std::numeric_limits<double>::epsilon() * std::max(std::fabs(lo.step), std::fabs(hi.step)))
                break;
            const Trial t = evaluate(interpolate(lo, hi));
            // A tie with lo is no worse: near the minimizer values agree to rounding, and
            // only the slope still tells on which side it lies.
            if (!decreases(t) || t.value > lo.value) {
                hi = t;
                continue;
            }
            if (curvature_holds(t)) return result(t, true);
            if (t.slope * (hi.step - lo.step) >= 0) hi = lo;
            lo = t;
        }
        return result(lo, false);
    }

    Trial evaluate(double step) {
        Trial t{step, 0.0, 0.0};
        phi_(step, t.value, t.slope);
        ++evaluations_;
        return t;
    }

    // Sufficient decrease, with NaN and infinities counting as a step too long.
    bool decreases(const Trial& t) const {
        return std::isfinite(t.value) && std::isfinite(t.slope) && t.value <= value0_ + options_.c1 * t.step * slope0_;
    }
    bool curvature_holds(const Trial& t) const { return std::fabs(t.slope) <= -options_.c2 * slope0_; }
    bool exhausted() const { return evaluations_ >= options_.max_evaluations; }

    LineSearchResult result(const Trial& t, bool wolfe) const {
        return LineSearchResult{t.step, t.value, t.slope, wolfe, evaluations_};
    }

    const LineFunction& phi_;
    double value0_, slope0_;
    const LineSearchOptions& options_;
    Trial best_;  // the lowest sufficient-decrease step so far; the origin at first
    std::size_t evaluations_ = 0;
};

}  // namespace

LineSearchResult line_search(const LineFunction& phi, double value0, double slope0, double initial_step,
                             const LineSearchOptions& options) {
    if (!(options.c1 > 0 && options.c1 < options.c2 && options.c2 < 1))
        throw Error("the line search needs 0 < c1 < c2 < 1, as in c1 = 1e-4, c2 = 0.9");
    if (!(options.max_step > 0) || options.max_evaluations < 1)
        throw Error("the line search needs a positive largest step and at least one evaluation");
    if (!std::isfinite(value0) || !(slope0 < 0) || !std::isfinite(slope0))
        throw Error(
            "the line search needs a finite value and a negative slope at step 0: "
            "search along a descent direction");
    if (!(initial_step > 0) || !std::isfinite(initial_step))
        throw Error("the line search's first step must be a positive number, as in 1");
    return Search(phi, value0, slope0, options).run(initial_step);
}

}  // namespace gradc
