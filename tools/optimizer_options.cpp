#include "optimizer_options.hpp"

#include <array>
#include <cmath>
#include <string_view>
#include <vector>

#include "gradc/error.hpp"
#include "support/text_fields.hpp"

namespace gradc::cli {
namespace {

constexpr unsigned bit(Method m) { return 1u << static_cast<unsigned>(m); }

constexpr unsigned kFirstOrder = bit(Method::GradientDescent) | bit(Method::Momentum) | bit(Method::Nesterov) |
                                 bit(Method::Adagrad) | bit(Method::Rmsprop) | bit(Method::Adam) | bit(Method::AdamW);
constexpr std::array kMethods = {Method::GradientDescent, Method::Momentum, Method::Nesterov, Method::Adagrad,
                                 Method::Rmsprop,         Method::Adam,     Method::AdamW,    Method::Lbfgs};

// Which optimizers read each option: the update rules of optimize.hpp.
struct Use {
    std::string_view option;
    unsigned methods;
};
constexpr std::array kUses = {
    Use{"--momentum", bit(Method::Momentum) | bit(Method::Nesterov) | bit(Method::Rmsprop)},
    Use{"--nesterov", bit(Method::Momentum) | bit(Method::Nesterov)},
    Use{"--weight-decay", kFirstOrder},
    Use{"--betas", bit(Method::Adam) | bit(Method::AdamW)},
    Use{"--eps", bit(Method::Adagrad) | bit(Method::Rmsprop) | bit(Method::Adam) | bit(Method::AdamW)},
    Use{"--alpha", bit(Method::Rmsprop)},
    Use{"--schedule", kFirstOrder},
    Use{"--history-size", bit(Method::Lbfgs)},
};

// "momentum, nesterov and rmsprop"
std::string method_list(unsigned methods) {
    if (methods == kFirstOrder) return "the first-order optimizers (all but lbfgs)";
    std::vector<std::string_view> names;
    for (const Method m : kMethods)
        if (methods & bit(m)) names.push_back(method_name(m));
    std::string text;
    for (std::size_t i = 0; i < names.size(); ++i)
        text.append(i == 0 ? "" : i + 1 == names.size() ? " and " : ", ").append(names[i]);
    return text;
}

bool given(const OptimizerFlags& flags, std::string_view option) {
    return flags.app != nullptr && flags.app->count(std::string(option)) > 0;
}

void require(bool ok, const std::string& message) {
    if (!ok) throw Error(message);
}

bool in_unit_interval(double v) { return v >= 0 && v < 1; }
bool non_negative(double v) { return v >= 0 && std::isfinite(v); }

// The hyper-parameters given, checked, with the method's own defaults for the rest.
struct Given {
    std::optional<double> momentum, weight_decay, beta1, beta2, eps, alpha;
    bool nesterov = false;
    Schedule schedule;
    std::size_t history = MinimizeOptions{}.history;
};

Given read_flags(Method method, const OptimizerFlags& flags) {
    for (const Use& use : kUses)
        if (given(flags, use.option) && !(use.methods & bit(method)))
            throw Error(std::string(use.option) + " is for " + method_list(use.methods) + ", not " +
                        std::string(method_name(method)));
    Given g;
    if (given(flags, "--momentum")) {
        require(non_negative(flags.momentum), "--momentum must be 0 or more, as in --momentum 0.9");
        g.momentum = flags.momentum;
    }
    g.nesterov = method == Method::Nesterov || flags.nesterov;
    require(!g.nesterov || g.momentum.value_or(kDefaultMomentum) > 0,
            "Nesterov's momentum needs --momentum above 0, as in --momentum 0.9");
    if (given(flags, "--weight-decay")) {
        require(non_negative(flags.weight_decay), "--weight-decay must be 0 or more, as in --weight-decay 1e-4");
        g.weight_decay = flags.weight_decay;
    }
    if (given(flags, "--betas")) {
        const std::vector<std::string> parts = support::split(flags.betas, ',');
        const double b1 = parts.size() == 2 ? support::whole_number(parts[0]) : NAN;
        const double b2 = parts.size() == 2 ? support::whole_number(parts[1]) : NAN;
        require(in_unit_interval(b1) && in_unit_interval(b2),
                "--betas takes two numbers in [0, 1) separated by a comma, as in --betas 0.9,0.999; got '" +
                    flags.betas + "'");
        g.beta1 = b1;
        g.beta2 = b2;
    }
    if (given(flags, "--eps")) {
        require(non_negative(flags.eps), "--eps must be 0 or more, as in --eps 1e-8");
        g.eps = flags.eps;
    }
    if (given(flags, "--alpha")) {
        require(in_unit_interval(flags.alpha), "--alpha must be in [0, 1), as in --alpha 0.99");
        g.alpha = flags.alpha;
    }
    if (given(flags, "--schedule")) g.schedule = Schedule::named(flags.schedule);
    if (given(flags, "--history-size")) {
        require(flags.history_size >= 1, "--history-size must be 1 or more, as in --history-size 10");
        g.history = static_cast<std::size_t>(flags.history_size);
    }
    return g;
}

// Adam and AdamW read the same flags over their own defaults.
template <class Options>
Options adam_options(Options o, const Given& g) {
    o.beta1 = g.beta1.value_or(o.beta1);
    o.beta2 = g.beta2.value_or(o.beta2);
    o.eps = g.eps.value_or(o.eps);
    o.weight_decay = g.weight_decay.value_or(o.weight_decay);
    return o;
}

std::unique_ptr<Optimizer> first_order(Method method, double lr, const Given& g) {
    switch (method) {
        case Method::GradientDescent:
        case Method::Momentum:
        case Method::Nesterov: {
            SgdOptions o{.lr = lr};
            if (method != Method::GradientDescent) o.momentum = g.momentum.value_or(kDefaultMomentum);
            o.nesterov = g.nesterov;
            o.weight_decay = g.weight_decay.value_or(o.weight_decay);
            return std::make_unique<Sgd>(o);
        }
        case Method::Adagrad: {
            AdagradOptions o{.lr = lr};
            o.eps = g.eps.value_or(o.eps);
            o.weight_decay = g.weight_decay.value_or(o.weight_decay);
            return std::make_unique<Adagrad>(o);
        }
        case Method::Rmsprop: {
            RmspropOptions o{.lr = lr};
            o.alpha = g.alpha.value_or(o.alpha);
            o.eps = g.eps.value_or(o.eps);
            o.weight_decay = g.weight_decay.value_or(o.weight_decay);
            o.momentum = g.momentum.value_or(o.momentum);
            return std::make_unique<Rmsprop>(o);
        }
        case Method::Adam: return std::make_unique<Adam>(adam_options(AdamOptions{.lr = lr}, g));
        case Method::AdamW: return std::make_unique<AdamW>(adam_options(AdamWOptions{.lr = lr}, g));
        case Method::Lbfgs: break;
    }
    return nullptr;
}

}  // namespace

void add_optimizer_options(CLI::App& app, OptimizerFlags& flags) {
    flags.app = &app;
    const std::string group = "Optimizer settings (each for the optimizers that use it)";
    app.add_option("--momentum", flags.momentum, "momentum, nesterov (default 0.9), rmsprop (default 0)")->group(group);
    app.add_flag("--nesterov", flags.nesterov, "momentum: add Nesterov's look-ahead (makes it --optimizer nesterov)")
        ->group(group);
    app.add_option("--weight-decay", flags.weight_decay,
                   "all but lbfgs: add W*parameter to the gradient (adamw: shrink it, default 1e-2)")
        ->group(group);
    app.add_option("--betas", flags.betas, "adam, adamw: the moments' decay rates (default 0.9,0.999)")
        ->type_name("B1,B2")
        ->group(group);
    app.add_option("--eps", flags.eps, "adagrad (default 1e-10), rmsprop, adam, adamw (1e-8): added to the root")
        ->group(group);
    app.add_option("--alpha", flags.alpha, "rmsprop: the squared gradients' decay rate (default 0.99)")->group(group);
    app.add_option("--schedule", flags.schedule,
                   "all but lbfgs: step:STEP_SIZE[:GAMMA], exp:GAMMA or cosine:T_MAX[:ETA_MIN]")
        ->type_name("SPEC")
        ->group(group);
    app.add_option("--history-size", flags.history_size, "lbfgs: the steps it remembers (default 10)")->group(group);
}

OptimizerChoice choose_optimizer(Method method, std::optional<double> learning_rate, const OptimizerFlags& flags) {
    const Given g = read_flags(method, flags);
    OptimizerChoice choice;
    choice.method = method;
    choice.learning_rate = learning_rate;
    choice.lbfgs_history = g.history;
    if (method != Method::Lbfgs) {
        choice.optimizer = first_order(method, learning_rate.value_or(default_learning_rate(method)), g);
        choice.optimizer->set_schedule(g.schedule);
    }
    return choice;
}

}  // namespace gradc::cli
