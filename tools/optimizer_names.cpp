#include "optimizer_names.hpp"

#include <array>
#include <string_view>
#include <utility>

#include "gradc/error.hpp"

namespace gradc::cli {

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

Method method_named(const std::string& name) {
    for (const auto& [known, method] : kOptimizers)
        if (name == known) return method;
    throw Error("unknown optimizer '" + name +
                "'; choose one of gd (or sgd), momentum, nesterov, adagrad, rmsprop, adam, adamw, lbfgs, as in "
                "--optimizer adam");
}

std::string_view method_name(Method method) {
    for (const auto& [name, known] : kOptimizers)
        if (method == known) return name;
    return {};
}

}  // namespace gradc::cli
