// Learning-rate schedules, in the closed forms of PyTorch's StepLR, ExponentialLR and
// CosineAnnealingLR.
#include <cmath>
#include <numbers>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"

namespace gradc {
namespace {

void require(bool ok, const char* message) {
    if (!ok) throw Error(message);
}

}  // namespace

Schedule Schedule::step(std::size_t step_size, double gamma) {
    require(step_size >= 1, "a step schedule needs a step size of 1 or more, as in Schedule::step(100, 0.1)");
    require(gamma > 0 && std::isfinite(gamma), "a step schedule's gamma must be a positive number, as in 0.1");
    Schedule s;
    s.kind_ = Kind::Step;
    s.period_ = step_size;
    s.gamma_ = gamma;
    return s;
}

Schedule Schedule::exponential(double gamma) {
    require(gamma > 0 && std::isfinite(gamma), "an exponential schedule's gamma must be a positive number, as in 0.99");
    Schedule s;
    s.kind_ = Kind::Exponential;
    s.gamma_ = gamma;
    return s;
}

Schedule Schedule::cosine(std::size_t t_max, double eta_min) {
    require(t_max >= 1, "a cosine schedule needs T_max of 1 or more: the number of steps it anneals over");
    require(eta_min >= 0 && std::isfinite(eta_min), "a cosine schedule's eta_min must be 0 or more, as in 0");
    Schedule s;
    s.kind_ = Kind::Cosine;
    s.period_ = t_max;
    s.eta_min_ = eta_min;
    return s;
}

double Schedule::rate(double base, std::size_t t) const {
    switch (kind_) {
        case Kind::Constant: return base;
        case Kind::Step: return base * std::pow(gamma_, static_cast<double>(t / period_));
        case Kind::Exponential: return base * std::pow(gamma_, static_cast<double>(t));
        case Kind::Cosine: {
            const double phase = std::numbers::pi * static_cast<double>(t) / static_cast<double>(period_);
            return eta_min_ + (base - eta_min_) * (1 + std::cos(phase)) / 2;
        }
    }
    return base;
}

}  // namespace gradc
