// What every first-order optimizer shares: the step count, the schedule, the size
// check, and making one by Method with its PyTorch defaults.
#include <cmath>
#include <string>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"
#include "support/short_number.hpp"

namespace gradc {

Optimizer::Optimizer(double lr) : lr_(lr) {
    if (!(lr > 0) || !std::isfinite(lr))
        throw Error("the learning rate must be a positive number, as in 0.01 (it was " + support::short_number(lr) +
                    ")");
}

void Optimizer::step(std::span<double> params, std::span<const double> grad) {
    if (params.size() != grad.size())
        throw Error("the gradient has " + std::to_string(grad.size()) + " entries for " +
                    std::to_string(params.size()) + " parameters; give one partial derivative per parameter");
    if (steps_ == 0) {
        clear_state(params.size());
        size_ = params.size();
    } else if (params.size() != size_) {
        // State from other parameters would silently mix two problems.
        throw Error("the optimizer has state for " + std::to_string(size_) + " parameters, not " +
                    std::to_string(params.size()) + "; call reset() before optimizing other parameters");
    }
    const double lr = current_learning_rate();
    ++steps_;
    update(params, grad, lr, steps_);
}

void Optimizer::reset() {
    steps_ = 0;
    size_ = 0;
    clear_state(0);
}

double default_learning_rate(Method method) {
    switch (method) {
        case Method::GradientDescent:
        case Method::Momentum:
        case Method::Nesterov: return SgdOptions{}.lr;
        case Method::Adagrad: return AdagradOptions{}.lr;
        case Method::Rmsprop: return RmspropOptions{}.lr;
        case Method::Adam: return AdamOptions{}.lr;
        case Method::AdamW: return AdamWOptions{}.lr;
        case Method::Lbfgs: return 1.0;
    }
    return 1.0;
}

std::unique_ptr<Optimizer> make_optimizer(Method method, std::optional<double> lr) {
    const double rate = lr.value_or(default_learning_rate(method));
    switch (method) {
        case Method::GradientDescent: return std::make_unique<Sgd>(SgdOptions{.lr = rate});
        case Method::Momentum: return std::make_unique<Sgd>(SgdOptions{.lr = rate, .momentum = kDefaultMomentum});
        case Method::Nesterov:
            return std::make_unique<Sgd>(SgdOptions{.lr = rate, .momentum = kDefaultMomentum, .nesterov = true});
        case Method::Adagrad: return std::make_unique<Adagrad>(AdagradOptions{.lr = rate});
        case Method::Rmsprop: return std::make_unique<Rmsprop>(RmspropOptions{.lr = rate});
        case Method::Adam: return std::make_unique<Adam>(AdamOptions{.lr = rate});
        case Method::AdamW: return std::make_unique<AdamW>(AdamWOptions{.lr = rate});
        case Method::Lbfgs: break;
    }
    throw Error(
        "L-BFGS evaluates the function during its line search, so it has no step(params, grad): "
        "use minimize() with Method::Lbfgs");
}

}  // namespace gradc
