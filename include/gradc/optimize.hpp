// Optimizers over a flat vector of parameters, and minimize(): a loop that runs one
// on a function giving its value and gradient (a compiled point kernel, or any callable).
//
// The first-order optimizers follow PyTorch's torch.optim update rules and defaults,
// so a run can be compared with PyTorch's step by step. With θ the parameters, g the
// gradient at θ, γ the learning rate of step t (t = 1 for the first step), λ the
// weight decay, and every operation elementwise:
//
//   Sgd        g ← g + λθ
//              momentum μ > 0:  b ← g at t = 1, else b ← μb + (1 − τ)g   (τ: dampening)
//                               g ← g + μb with nesterov, else g ← b
//              θ ← θ − γg                              lr 1e-3, μ 0, τ 0, λ 0
//   Adagrad    g ← g + λθ;  γ̃ ← γ / (1 + (t − 1)η)      (η: lr_decay)
//              s ← s + g²;  θ ← θ − γ̃ g / (√s + ε)      lr 1e-2, η 0, λ 0, s₀ 0, ε 1e-10
//   RMSprop    g ← g + λθ;  v ← αv + (1 − α)g²
//              centered: ḡ ← αḡ + (1 − α)g, ṽ ← v − ḡ², else ṽ ← v
//              momentum μ > 0:  b ← μb + g / (√ṽ + ε);  θ ← θ − γb
//              else             θ ← θ − γ g / (√ṽ + ε)   lr 1e-2, α 0.99, ε 1e-8, λ 0, μ 0
//   Adam       g ← g + λθ;  m ← β₁m + (1 − β₁)g;  v ← β₂v + (1 − β₂)g²
//              m̂ ← m / (1 − β₁ᵗ);  v̂ ← v / (1 − β₂ᵗ);  θ ← θ − γ m̂ / (√v̂ + ε)
//                                                      lr 1e-3, β (0.9, 0.999), ε 1e-8, λ 0
//   AdamW      θ ← θ − γλθ (decoupled: the decay never enters m or v), then Adam's
//              update with λ = 0                        lr 1e-3, β (0.9, 0.999), ε 1e-8, λ 1e-2
//
// "momentum" and "nesterov" in Method are Sgd with μ = 0.9 (PyTorch has no default
// momentum; 0.9 is the customary choice), nesterov adding the look-ahead term.
//
// L-BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed., algorithms 7.4 and 7.5)
// keeps the last m = 10 steps s = x₊ − x and gradient changes y = g₊ − g with sᵀy > 0,
// takes the direction d = −Hg from the two-loop recursion with H₀ = (sᵀy / yᵀy)·I, and
// moves along it by a step that satisfies the strong Wolfe conditions (line_search()).
// Unlike PyTorch's LBFGS, whose default is a fixed step, every step is line-searched.
//
// Learning rates follow a Schedule; minimize() stops on the gradient, on the change of
// the value, on an iteration limit, or when the values diverge (MinimizeOptions).
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gradc/jit.hpp"

namespace gradc {

// The learning rate of each step from a base rate γ, as PyTorch's schedulers give it
// when scheduler.step() follows every optimizer.step(); t counts the steps already
// taken (0 for the first):
//
//   constant     γ
//   step         γ · gamma^floor(t / step_size)                StepLR (gamma 0.1)
//   exponential  γ · gamma^t                                   ExponentialLR
//   cosine       η_min + (γ − η_min)(1 + cos(π t / T_max)) / 2 CosineAnnealingLR (η_min 0)
//
// Past T_max the cosine rises again, as PyTorch's closed form does: give T_max at least
// the number of steps you will take.
class Schedule {
public:
    enum class Kind { Constant, Step, Exponential, Cosine };

    Schedule() = default;  // constant
    static Schedule constant() { return {}; }
    // Each factory throws gradc::Error for a value outside its range (step_size and
    // t_max at least 1, gamma above 0, eta_min not negative).
    static Schedule step(std::size_t step_size, double gamma = 0.1);
    static Schedule exponential(double gamma);
    static Schedule cosine(std::size_t t_max, double eta_min = 0.0);
    // The schedule `spec` describes, as the command line's --schedule takes it:
    // step:STEP_SIZE[:GAMMA], exp:GAMMA or cosine:T_MAX[:ETA_MIN] ("cosine:1000").
    // Throws gradc::Error naming the forms for other text.
    static Schedule named(std::string_view spec);

    Kind kind() const noexcept { return kind_; }
    // The learning rate of the step after `t` steps, from the base rate `base`.
    double rate(double base, std::size_t t) const;

private:
    Kind kind_ = Kind::Constant;
    std::size_t period_ = 1;  // step_size or T_max
    double gamma_ = 1.0;
    double eta_min_ = 0.0;
};

// A first-order optimizer: updates parameters in place from the gradient at them,
// keeping whatever state its rule needs (moments, accumulators, the step count).
class Optimizer {
public:
    virtual ~Optimizer() = default;

    // One update of `params` from `grad`, the gradient at `params`, with the learning
    // rate schedule().rate(learning_rate(), steps()). Throws gradc::Error when the sizes
    // differ, or differ from the previous steps' without a reset() in between.
    void step(std::span<double> params, std::span<const double> grad);
    // Forgets all state, as a newly made optimizer would have none.
    void reset();

    std::size_t steps() const noexcept { return steps_; }
    // The base learning rate; the schedule scales it step by step.
    double learning_rate() const noexcept { return lr_; }
    // The rate the next step() will use.
    double current_learning_rate() const { return schedule_.rate(lr_, steps_); }
    const Schedule& schedule() const noexcept { return schedule_; }
    void set_schedule(Schedule schedule) noexcept { schedule_ = schedule; }

protected:
    // Throws gradc::Error when `lr` is not a positive number.
    explicit Optimizer(double lr);
    // The rule itself: `t` is the 1-based step number, state has room for params.size().
    virtual void update(std::span<double> params, std::span<const double> grad, double lr, std::size_t t) = 0;
    // Sizes the state for `n` parameters, zeroed (or at its initial value).
    virtual void clear_state(std::size_t n) = 0;

private:
    double lr_;
    Schedule schedule_;
    std::size_t steps_ = 0;
    std::size_t size_ = 0;  // parameters the state is sized for
};

struct SgdOptions {
    double lr = 1e-3;
    double momentum = 0.0;
    double dampening = 0.0;
    double weight_decay = 0.0;
    bool nesterov = false;  // needs momentum > 0 and dampening 0, as in PyTorch
};

struct AdagradOptions {
    double lr = 1e-2;
    double lr_decay = 0.0;
    double weight_decay = 0.0;
    double initial_accumulator_value = 0.0;
    double eps = 1e-10;
};

struct RmspropOptions {
    double lr = 1e-2;
    double alpha = 0.99;
    double eps = 1e-8;
    double weight_decay = 0.0;
    double momentum = 0.0;
    bool centered = false;
};

struct AdamOptions {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
};

// AdamW's defaults differ from Adam's in the weight decay only.
struct AdamWOptions {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 1e-2;
};

// Gradient descent, with heavy-ball momentum or Nesterov's when asked (PyTorch's SGD).
class Sgd : public Optimizer {
public:
    explicit Sgd(SgdOptions options = {});

private:
    void update(std::span<double> params, std::span<const double> grad, double lr, std::size_t t) override;
    void clear_state(std::size_t n) override;
    SgdOptions options_;
    std::vector<double> buffer_;  // b
};

class Adagrad : public Optimizer {
public:
    explicit Adagrad(AdagradOptions options = {});

private:
    void update(std::span<double> params, std::span<const double> grad, double lr, std::size_t t) override;
    void clear_state(std::size_t n) override;
    AdagradOptions options_;
    std::vector<double> sum_;  // s
};

class Rmsprop : public Optimizer {
public:
    explicit Rmsprop(RmspropOptions options = {});

private:
    void update(std::span<double> params, std::span<const double> grad, double lr, std::size_t t) override;
    void clear_state(std::size_t n) override;
    RmspropOptions options_;
    std::vector<double> square_avg_, grad_avg_, buffer_;  // v, ḡ, b
};

// Adam, and AdamW when the weight decay is decoupled.
class Adam : public Optimizer {
public:
    explicit Adam(AdamOptions options = {});

protected:
    Adam(AdamOptions options, bool decoupled_weight_decay);

private:
    void update(std::span<double> params, std::span<const double> grad, double lr, std::size_t t) override;
    void clear_state(std::size_t n) override;
    AdamOptions options_;
    bool decoupled_;
    std::vector<double> m_, v_;
};

class AdamW : public Adam {
public:
    explicit AdamW(AdamWOptions options = {});
};

enum class Method { GradientDescent, Momentum, Nesterov, Adagrad, Rmsprop, Adam, AdamW, Lbfgs };

// The method called `name`: gd (or sgd), momentum, nesterov, adagrad, rmsprop, adam,
// adamw or lbfgs, as the command line's --optimizer takes it; gradc::Error listing
// them for any other name.
Method method_named(std::string_view name);
// The name method_named() reads as `method` ("gd" for gradient descent), for messages.
std::string_view method_name(Method method) noexcept;

// The momentum μ of Method::Momentum and Method::Nesterov: PyTorch has no default, and
// 0.9 is the customary choice.
inline constexpr double kDefaultMomentum = 0.9;

// The optimizer for a first-order `method` with its defaults (above), the base
// learning rate `lr` when given. Throws gradc::Error for Method::Lbfgs, which needs the
// function itself (use minimize()), and for a learning rate that is not positive.
std::unique_ptr<Optimizer> make_optimizer(Method method, std::optional<double> lr = std::nullopt);
// The default learning rate of `method`; for L-BFGS, the first trial step of each
// line search (1: the quasi-Newton step itself).
double default_learning_rate(Method method);

// The strong Wolfe conditions for a step α along a descent direction, with
// φ(α) = f(x + αd):
//   sufficient decrease   φ(α) <= φ(0) + c1·α·φ'(0)
//   curvature             |φ'(α)| <= c2·|φ'(0)|
struct LineSearchOptions {
    double c1 = 1e-4;
    double c2 = 0.9;  // the usual choice for quasi-Newton directions
    std::size_t max_evaluations = 25;
    double max_step = 1e10;
};

struct LineSearchResult {
    double step = 0.0;   // α; 0 when no step lowered the value
    double value = 0.0;  // φ(step)
    double slope = 0.0;  // φ'(step)
    bool wolfe = false;  // whether step satisfies both conditions
    std::size_t evaluations = 0;
};

// φ(α) and φ'(α) along the line.
using LineFunction = std::function<void(double step, double& value, double& slope)>;

// A step satisfying the strong Wolfe conditions from φ(0) = `value0` and φ'(0) =
// `slope0` < 0, trying `initial_step` first: Nocedal & Wright's algorithm 3.5
// (bracketing by growing the step fourfold) with 3.6 (zoom, by safeguarded cubic
// interpolation).
// A step where φ is NaN or infinite counts as too long. When `max_evaluations` run out
// or the bracket shrinks below rounding, the result is the lowest sufficient-decrease
// step found (wolfe false), or step 0 when there was none. Throws gradc::Error when
// slope0 is not negative.
LineSearchResult line_search(const LineFunction& phi, double value0, double slope0, double initial_step,
                             const LineSearchOptions& options = {});

// The function to minimize: returns f(x) and writes ∇f(x) into `grad` (as long as x).
using Objective = std::function<double(std::span<const double> x, std::span<double> grad)>;

// A point kernel of one value and its gradient (compile_point() with
// Derivatives::Gradient) as an Objective. Throws gradc::Error for another layout. The
// objective keeps a scratch buffer: copy it for each thread that calls it.
Objective kernel_objective(Kernel kernel);

struct MinimizeResult;

// L-BFGS's default relative value tolerance: 1e7 times the rounding unit, as L-BFGS-B's
// default factr (SciPy's ftol 2.2e-9). The value test also asks the gradient to be
// small relative to the value (docs/optimizers.md, "When a run stops"), so a badly
// scaled problem that crawls is not taken for converged. Measured on Moré, Garbow and
// Hillstrom's problems 1-18: every run ends within 1.1e-11 of the minimum value
// relative to it (1e-10 and 1e-12 give the same within 1e-11 and take at most 3 more
// iterations). The test has no absolute floor, so a minimum of 0 is approached until
// the gradient test holds.
inline constexpr double kLbfgsValueTolerance = 1e7 * std::numeric_limits<double>::epsilon();

// The value tests (MinimizeOptions::value_tolerance, and L-BFGS's stop when no step
// lowers the value) trust a settled value only where the relative gradient
// max_i |∂f/∂x_i|·max(|x_i|, 1) / |f| is at most this: Meyer's function crawls from
// (0.02, 4000, 250), changing f by 2e-11 of itself in a step where a 1% change of a
// coordinate would still change f by 5% (a relative gradient of 5). At the 18 minima
// of Moré, Garbow and Hillstrom's problems it is below 3.1e-3 when the value settles.
inline constexpr double kSettledRelativeGradient = 1e-2;

struct MinimizeOptions {
    Method method = Method::Lbfgs;
    // The base learning rate; unset takes the method's default (default_learning_rate).
    std::optional<double> learning_rate{};
    Schedule schedule{};  // first-order methods only
    std::size_t max_iterations = 1000;
    // Converged when every partial derivative is within this of 0 (max |∂f/∂xᵢ|).
    double gradient_tolerance = 1e-8;
    // Converged when a step changes the value by at most this relative to the value:
    // |f₋ − f| <= value_tolerance · max(|f₋|, |f|), and the gradient at the new point is
    // small relative to its value (kSettledRelativeGradient). Unset: kLbfgsValueTolerance for
    // L-BFGS, off for the first-order methods, whose steps can be short enough to change
    // the value by less than that far from a minimum. 0 turns it off.
    std::optional<double> value_tolerance{};
    // The values diverge when f rises above f(x₀) + divergence_ratio·max(1, |f(x₀)|)
    // (a learning rate too large), falls below f(x₀) − the same (a function without a
    // minimum), or f or the gradient is NaN or infinite.
    double divergence_ratio = 1e10;
    std::size_t history = 10;  // L-BFGS: pairs (s, y) kept
    LineSearchOptions line_search{};  // L-BFGS
    // Called after every step taken with the run so far (the point, its value and
    // gradient, the steps and evaluations), for progress on a terminal or a history.
    std::function<void(const MinimizeResult& progress)> on_iteration{};
};

enum class StopReason {
    GradientTolerance,  // converged: the gradient is small
    ValueTolerance,     // converged: the value stopped changing
    MaxIterations,      // not converged within max_iterations
    Diverged,           // NaN, infinity or values exploding: the learning rate is too large
    Unbounded,          // the value keeps falling: the function seems to have no minimum
    LineSearchFailed,   // L-BFGS found no step that lowers the value, even along -g
    BadStart,           // f or its gradient is NaN or infinite at x₀
};

struct MinimizeResult {
    std::vector<double> x{};       // the last good point
    double value = 0.0;            // f(x)
    std::vector<double> gradient{};  // ∇f(x)
    std::size_t iterations = 0;    // steps taken
    std::size_t evaluations = 0;   // calls of the objective
    bool converged = false;
    StopReason reason = StopReason::MaxIterations;
    std::string message{};  // why it stopped, and when it failed what to try
};

// Minimizes `f` from `x0` with options.method. Throws gradc::Error for invalid options
// (a learning rate or tolerance that is not a positive number, no L-BFGS history).
MinimizeResult minimize(const Objective& f, std::span<const double> x0, const MinimizeOptions& options = {});
// Minimizes `f` from `x0` with a caller's first-order optimizer, as it is (its state is
// not reset); of `options`, only the stopping criteria and on_iteration apply.
MinimizeResult minimize(const Objective& f, std::span<const double> x0, Optimizer& optimizer,
                        const MinimizeOptions& options = {});

}  // namespace gradc
