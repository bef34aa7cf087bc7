// The first-order update rules, written as optimize.hpp states them (PyTorch's
// torch.optim documentation), one loop over the parameters each.
#include <cmath>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"

namespace gradc {
namespace {

void require(bool ok, const char* message) {
    if (!ok) throw Error(message);
}

bool in_unit_interval(double v) { return v >= 0 && v < 1; }

}  // namespace

Sgd::Sgd(SgdOptions options) : Optimizer(options.lr), options_(options) {
    require(options.momentum >= 0, "SGD's momentum must be 0 or more, as in 0.9");
    require(options.weight_decay >= 0, "the weight decay must be 0 or more, as in 1e-4");
    require(!options.nesterov || (options.momentum > 0 && options.dampening == 0),
            "Nesterov momentum needs momentum above 0 and dampening 0, as in momentum 0.9");
}

void Sgd::clear_state(std::size_t n) { buffer_.assign(n, 0.0); }

void Sgd::update(std::span<double> params, std::span<const double> grad, double lr, std::size_t t) {
    const double mu = options_.momentum;
    for (std::size_t i = 0; i < params.size(); ++i) {
        double g = grad[i] + options_.weight_decay * params[i];
        if (mu != 0) {
            // The buffer starts as the first gradient itself, undamped (PyTorch).
            buffer_[i] = t == 1 ? g : mu * buffer_[i] + (1 - options_.dampening) * g;
            g = options_.nesterov ? g + mu * buffer_[i] : buffer_[i];
        }
        params[i] -= lr * g;
    }
}

Adagrad::Adagrad(AdagradOptions options) : Optimizer(options.lr), options_(options) {
    require(options.lr_decay >= 0, "Adagrad's lr_decay must be 0 or more");
    require(options.weight_decay >= 0, "the weight decay must be 0 or more, as in 1e-4");
    require(options.initial_accumulator_value >= 0, "Adagrad's initial accumulator value must be 0 or more");
    require(options.eps >= 0, "eps must be 0 or more, as in 1e-10");
}

void Adagrad::clear_state(std::size_t n) { sum_.assign(n, options_.initial_accumulator_value); }

void Adagrad::update(std::span<double> params, std::span<const double> grad, double lr, std::size_t t) {
    const double rate = lr / (1 + static_cast<double>(t - 1) * options_.lr_decay);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const double g = grad[i] + options_.weight_decay * params[i];
        sum_[i] += g * g;
        params[i] -= rate * g / (std::sqrt(sum_[i]) + options_.eps);
    }
}

Rmsprop::Rmsprop(RmspropOptions options) : Optimizer(options.lr), options_(options) {
    require(in_unit_interval(options.alpha), "RMSprop's alpha must be in [0, 1), as in 0.99");
    require(options.eps >= 0, "eps must be 0 or more, as in 1e-8");
    require(options.weight_decay >= 0, "the weight decay must be 0 or more, as in 1e-4");
    require(options.momentum >= 0, "RMSprop's momentum must be 0 or more, as in 0.9");
}

void Rmsprop::clear_state(std::size_t n) {
    square_avg_.assign(n, 0.0);
    grad_avg_.assign(n, 0.0);
    buffer_.assign(n, 0.0);
}

void Rmsprop::update(std::span<double> params, std::span<const double> grad, double lr, std::size_t) {
    const double alpha = options_.alpha;
    for (std::size_t i = 0; i < params.size(); ++i) {
        const double g = grad[i] + options_.weight_decay * params[i];
        square_avg_[i] = alpha * square_avg_[i] + (1 - alpha) * g * g;
        double v = square_avg_[i];
        if (options_.centered) {
            grad_avg_[i] = alpha * grad_avg_[i] + (1 - alpha) * g;
            v -= grad_avg_[i] * grad_avg_[i];
        }
        const double denominator = std::sqrt(v) + options_.eps;
        if (options_.momentum > 0) {
            buffer_[i] = options_.momentum * buffer_[i] + g / denominator;
            params[i] -= lr * buffer_[i];
        } else {
            params[i] -= lr * g / denominator;
        }
    }
}

Adam::Adam(AdamOptions options) : Adam(options, false) {}

Adam::Adam(AdamOptions options, bool decoupled_weight_decay)
    : Optimizer(options.lr), options_(options), decoupled_(decoupled_weight_decay) {
    require(in_unit_interval(options.beta1) && in_unit_interval(options.beta2),
            "Adam's betas must be in [0, 1), as in (0.9, 0.999)");
    require(options.eps >= 0, "eps must be 0 or more, as in 1e-8");
    require(options.weight_decay >= 0, "the weight decay must be 0 or more, as in 1e-2");
}

void Adam::clear_state(std::size_t n) {
    m_.assign(n, 0.0);
    v_.assign(n, 0.0);
}

namespace {

struct AdamConstants {
    double b1, b2, step, root2, eps, coupled_decay;
};

// Adam's step over plain arrays, without a branch, so that it vectorizes (square roots
// too: this file is built with -fno-math-errno), compiled for AVX-512, AVX2 and the
// baseline; the loader picks the widest this CPU has (function multi-versioning). The
// file is built with -ffp-contract=off, so no clone fuses a multiply and an add and
// every CPU gets the same bits. ThreadSanitizer builds take the baseline alone: the
// loader runs a clone's resolver before the sanitizer's runtime is up, and the
// instrumented resolver would crash the program at start.
#if defined(__SANITIZE_THREAD__)
#define GRADC_ADAM_CLONES
#else
#define GRADC_ADAM_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
GRADC_ADAM_CLONES void adam_step(std::size_t n, double* __restrict p, const double* __restrict g, double* __restrict m,
                                 double* __restrict v, const AdamConstants c) {
    for (std::size_t i = 0; i < n; ++i) {
        const double gi = g[i] + c.coupled_decay * p[i];
        m[i] = c.b1 * m[i] + (1 - c.b1) * gi;
        v[i] = c.b2 * v[i] + (1 - c.b2) * gi * gi;
        p[i] -= c.step * m[i] / (std::sqrt(v[i]) / c.root2 + c.eps);
    }
}

}  // namespace

void Adam::update(std::span<double> params, std::span<const double> grad, double lr, std::size_t t) {
    const double b1 = options_.beta1, b2 = options_.beta2;
    const double correction1 = 1 - std::pow(b1, static_cast<double>(t));
    const double correction2 = 1 - std::pow(b2, static_cast<double>(t));
    const double decay = options_.weight_decay;
    if (decoupled_)
        for (std::size_t i = 0; i < params.size(); ++i) params[i] -= lr * decay * params[i];
    // PyTorch's arrangement: step = lr/c1 and sqrt(c2) once, then one square root and
    // two divisions per parameter.
    const AdamConstants c{b1, b2, lr / correction1, std::sqrt(correction2), options_.eps, decoupled_ ? 0.0 : decay};
    adam_step(params.size(), params.data(), grad.data(), m_.data(), v_.data(), c);
}

AdamW::AdamW(AdamWOptions o)
    : Adam(AdamOptions{.lr = o.lr, .beta1 = o.beta1, .beta2 = o.beta2, .eps = o.eps, .weight_decay = o.weight_decay},
           true) {}

}  // namespace gradc
