// Networks as expressions: activations, dense layers with named parameters, and the
// seeded initializers (nn.hpp).
#include <cmath>
#include <numbers>
#include <random>
#include <string>

#include "gradc/error.hpp"
#include "gradc/nn.hpp"
#include "train/random_draws.hpp"

namespace gradc::nn {

using train::standard_normal;
using train::uniform01;

Activation activation_named(std::string_view name) {
    if (name == "identity" || name == "linear") return Activation::Identity;
    if (name == "tanh") return Activation::Tanh;
    if (name == "relu") return Activation::Relu;
    if (name == "sigmoid") return Activation::Sigmoid;
    if (name == "softplus") return Activation::Softplus;
    throw Error("unknown activation '" + std::string(name) + "': choose relu, tanh, sigmoid, softplus or identity");
}

std::string_view activation_name(Activation a) noexcept {
    switch (a) {
        case Activation::Identity: return "identity";
        case Activation::Tanh: return "tanh";
        case Activation::Relu: return "relu";
        case Activation::Sigmoid: return "sigmoid";
        case Activation::Softplus: return "softplus";
    }
    return "identity";
}

Init init_named(std::string_view name) {
    if (name == "glorot") return Init::Glorot;
    if (name == "he") return Init::He;
    throw Error("unknown initializer '" + std::string(name) + "': choose glorot or he");
}

Init default_init(Activation a) noexcept { return a == Activation::Relu ? Init::He : Init::Glorot; }

Expr activate(ExprContext& ctx, Activation a, Expr x) {
    switch (a) {
        case Activation::Identity: return x;
        case Activation::Tanh: return ctx.make(Op::Tanh, x);
        case Activation::Relu: return ctx.make(Op::Relu, x);
        case Activation::Sigmoid: return ctx.make(Op::Sigmoid, x);
        case Activation::Softplus: return ctx.make(Op::Softplus, x);
    }
    return x;
}

std::vector<Expr> dense(ExprContext& ctx, std::span<const Expr> inputs, std::size_t units, Activation a,
                        std::string_view prefix, std::vector<Expr>& params) {
    const std::string p(prefix);
    std::vector<Expr> sums(units);
    for (std::size_t j = 0; j < units; ++j) {
        Expr sum = nullptr;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const Expr w = ctx.variable(p + "_w_" + std::to_string(j) + "_" + std::to_string(i));
            params.push_back(w);
            const Expr term = ctx.mul(w, inputs[i]);
            sum = sum ? ctx.add(sum, term) : term;
        }
        sums[j] = sum;
    }
    // Biases after all the weights, so a layer's parameters are its matrix then its vector.
    for (std::size_t j = 0; j < units; ++j) {
        const Expr b = ctx.variable(p + "_b_" + std::to_string(j));
        params.push_back(b);
        sums[j] = activate(ctx, a, sums[j] ? ctx.add(b, sums[j]) : b);
    }
    return sums;
}

std::vector<std::size_t> Mlp::widths() const {
    std::vector<std::size_t> w{inputs};
    w.insert(w.end(), hidden.begin(), hidden.end());
    w.push_back(outputs);
    return w;
}

std::size_t Mlp::param_count() const {
    const std::vector<std::size_t> w = widths();
    std::size_t n = 0;
    for (std::size_t l = 1; l < w.size(); ++l) n += w[l] * (w[l - 1] + 1);
    return n;
}

std::string Mlp::describe() const {
    std::string text;
    for (const std::size_t w : widths()) text.append(text.empty() ? "" : "-").append(std::to_string(w));
    if (!hidden.empty()) text.append(" ").append(activation_name(activation));
    return text;
}

Network build(ExprContext& ctx, const Mlp& spec, std::span<const Expr> inputs) {
    if (inputs.size() != spec.inputs)
        throw Error("the network takes " + std::to_string(spec.inputs) + " inputs but was given " +
                    std::to_string(inputs.size()));
    for (const std::size_t w : spec.hidden)
        if (w == 0) throw Error("a hidden layer needs at least one unit, as in --mlp 32");
    if (spec.outputs == 0) throw Error("a network needs at least one output");
    Network net;
    std::vector<Expr> layer(inputs.begin(), inputs.end());
    for (std::size_t l = 0; l < spec.hidden.size(); ++l)
        layer = dense(ctx, layer, spec.hidden[l], spec.activation, "l" + std::to_string(l + 1), net.params);
    net.outputs =
        dense(ctx, layer, spec.outputs, Activation::Identity, "l" + std::to_string(spec.hidden.size() + 1), net.params);
    return net;
}

std::vector<double> initial_params(const Mlp& spec, Init init, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    const std::vector<std::size_t> w = spec.widths();
    std::vector<double> params;
    params.reserve(spec.param_count());
    for (std::size_t l = 1; l < w.size(); ++l) {
        const double fan_in = static_cast<double>(w[l - 1]), fan_out = static_cast<double>(w[l]);
        const double limit = std::sqrt(6.0 / (fan_in + fan_out));
        const double sd = std::sqrt(2.0 / fan_in);
        for (std::size_t k = 0; k < w[l] * w[l - 1]; ++k)
            params.push_back(init == Init::Glorot ? limit * (2.0 * uniform01(random) - 1.0)
                                                  : sd * standard_normal(random));
        params.insert(params.end(), w[l], 0.0);
    }
    return params;
}

}  // namespace gradc::nn
