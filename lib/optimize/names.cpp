// The names of optimizers and learning-rate schedules, as a user types them: the
// command line's --optimizer and --schedule, and any program that reads a config.
#include <array>
#include <cmath>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"
#include "support/text_fields.hpp"

namespace gradc {
namespace {

// The first name of a method is the one gradc prints; "sgd" is what Keras and PyTorch
// users type for plain gradient descent.
constexpr std::array<std::pair<std::string_view, Method>, 9> kOptimizers = {{
    {"gd", Method::GradientDescent},
    {"sgd", Method::GradientDescent},
    {"momentum", Method::Momentum},
    {"nesterov", Method::Nesterov},
    {"adagrad", Method::Adagrad},
    {"rmsprop", Method::Rmsprop},
    {"adam", Method::Adam},
    {"adamw", Method::AdamW},
    {"lbfgs", Method::Lbfgs},
}};

}  // namespace

Method method_named(std::string_view name) {
    for (const auto& [known, method] : kOptimizers)
        if (name == known) return method;
    throw Error("unknown optimizer '" + std::string(name) +
                "'; choose one of gd (or sgd), momentum, nesterov, adagrad, rmsprop, adam, adamw, lbfgs, as in "
                "--optimizer adam");
}

std::string_view method_name(Method method) noexcept {
    for (const auto& [name, known] : kOptimizers)
        if (method == known) return name;
    return {};
}

Schedule Schedule::named(std::string_view spec) {
    const std::string text(spec);
    const std::vector<std::string> parts = support::split(text, ':');
    const std::string& kind = parts[0];
    const std::size_t n = parts.size();
    const auto fail = [&](const std::string& why) { return Error("--schedule " + why + "; got '" + text + "'"); };
    if (kind == "step") {
        if (n < 2 || n > 3) throw fail("step takes step:STEP_SIZE or step:STEP_SIZE:GAMMA, as in step:100:0.5");
        const std::size_t size = support::positive_count(parts[1]);
        if (size == 0) throw fail("step's STEP_SIZE is a count of steps, 1 or more, as in step:100:0.5");
        if (n == 2) return Schedule::step(size);
        const double gamma = support::whole_number(parts[2]);
        if (!(gamma > 0 && std::isfinite(gamma)))
            throw fail("step's GAMMA must be a positive number, as in step:100:0.5");
        return Schedule::step(size, gamma);
    }
    if (kind == "exp") {
        const double gamma = n == 2 ? support::whole_number(parts[1]) : NAN;
        if (!(gamma > 0 && std::isfinite(gamma))) throw fail("exp takes exp:GAMMA, a positive number, as in exp:0.99");
        return Schedule::exponential(gamma);
    }
    if (kind == "cosine") {
        if (n < 2 || n > 3) throw fail("cosine takes cosine:T_MAX or cosine:T_MAX:ETA_MIN, as in cosine:1000");
        const std::size_t t_max = support::positive_count(parts[1]);
        if (t_max == 0) throw fail("cosine's T_MAX is a count of steps, 1 or more, as in cosine:1000");
        const double eta_min = n == 3 ? support::whole_number(parts[2]) : 0.0;
        if (!(eta_min >= 0 && std::isfinite(eta_min)))
            throw fail("cosine's ETA_MIN must be 0 or more, as in cosine:1000:1e-5");
        return Schedule::cosine(t_max, eta_min);
    }
    throw fail("takes step:STEP_SIZE[:GAMMA], exp:GAMMA or cosine:T_MAX[:ETA_MIN], as in --schedule cosine:1000");
}

}  // namespace gradc
