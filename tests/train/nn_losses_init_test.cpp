// Softmax cross-entropy against the naive formula and at extreme logits, softmax
// probabilities, and the initializers' statistics.
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/eval.hpp"
#include "gradc/nn.hpp"

using namespace gradc;

namespace {

struct Logits {
    ExprContext ctx;
    std::vector<Expr> z;
    Expr y;
    Expr loss;
    std::vector<Expr> inputs;  // z..., y

    explicit Logits(std::size_t k) {
        for (std::size_t j = 0; j < k; ++j) z.push_back(ctx.variable("z" + std::to_string(j)));
        y = ctx.variable("y");
        std::vector<double> classes(k);
        std::iota(classes.begin(), classes.end(), 0.0);
        loss = nn::softmax_cross_entropy(ctx, z, y, classes);
        inputs = z;
        inputs.push_back(y);
    }
};

}  // namespace

TEST_CASE("softmax cross-entropy equals log of the summed exps minus the target's logit", "[nn][xent]") {
    Logits l(4);
    const std::vector<double> z = {0.3, -1.7, 2.4, 0.9};
    for (int target = 0; target < 4; ++target) {
        std::vector<double> in = z;
        in.push_back(target);
        double sum = 0;
        for (const double v : z) sum += std::exp(v);
        CHECK(evaluate(l.loss, l.inputs, in) ==
              Approx(std::log(sum) - z[static_cast<std::size_t>(target)]).epsilon(1e-14));
    }
}

TEST_CASE("softmax cross-entropy and its gradient stay finite for logits of 1000 and -1000", "[nn][xent]") {
    Logits l(3);
    const std::vector<Expr> grad = gradient(l.ctx, l.loss, l.z);
    // The naive formula overflows here; logsumexp of {1000, -1000, 0} is 1000 (+ e^-1000).
    const std::vector<double> in = {1000.0, -1000.0, 0.0, 1.0};
    CHECK(evaluate(l.loss, l.inputs, in) == Approx(2000.0));
    const std::vector<double> g = evaluate(grad, l.inputs, in);
    // d/dz_j = softmax_j − [j == y]: (1, −1, 0) up to e^-1000.
    CHECK(g[0] == Approx(1.0));
    CHECK(g[1] == Approx(-1.0));
    CHECK(g[2] == Approx(0.0).margin(1e-300));
    const std::vector<double> right = {1000.0, -1000.0, 0.0, 0.0};
    CHECK(evaluate(l.loss, l.inputs, right) == Approx(0.0).margin(1e-300));
}

TEST_CASE("at tied largest logits the cross-entropy gradient is the softmax minus the one-hot", "[nn][xent]") {
    Logits l(3);
    const std::vector<Expr> grad = gradient(l.ctx, l.loss, l.z);
    const std::vector<double> in = {2.0, 2.0, -1.0, 2.0};
    const double e = std::exp(-3.0), s = 2 + e;
    const std::vector<double> g = evaluate(grad, l.inputs, in);
    CHECK(g[0] == Approx(1 / s));
    CHECK(g[1] == Approx(1 / s));
    CHECK(g[2] == Approx(e / s - 1));
}

TEST_CASE("softmax gives probabilities that sum to 1, even for huge logits", "[nn][xent]") {
    ExprContext ctx;
    const std::vector<Expr> z = {ctx.variable("a"), ctx.variable("b"), ctx.variable("c")};
    const std::vector<Expr> p = nn::softmax(ctx, z);
    for (const std::vector<double>& in : {std::vector<double>{0.5, 1.0, -2.0}, std::vector<double>{800, 799, -900}}) {
        const std::vector<double> v = evaluate(p, z, in);
        CHECK(v[0] + v[1] + v[2] == Approx(1.0).epsilon(1e-12));
        CHECK(v[1] / v[0] == Approx(std::exp(in[1] - in[0])));
    }
}

TEST_CASE("initializers draw the documented spread and repeat with the seed", "[nn][init]") {
    const nn::Mlp spec{64, {32}, 10, nn::Activation::Relu};
    const std::vector<double> he = nn::initial_params(spec, nn::Init::He, 5);
    const std::vector<double> glorot = nn::initial_params(spec, nn::Init::Glorot, 5);
    REQUIRE(he.size() == spec.param_count());
    CHECK(he == nn::initial_params(spec, nn::Init::He, 5));
    CHECK(he != nn::initial_params(spec, nn::Init::He, 6));
    // Layer 1: 32×64 weights then 32 zero biases.
    double sum = 0, squares = 0;
    const double limit = std::sqrt(6.0 / (64 + 32));
    double glorot_squares = 0;
    for (std::size_t i = 0; i < 2048; ++i) {
        sum += he[i];
        squares += he[i] * he[i];
        CHECK(std::fabs(glorot[i]) <= limit);
        glorot_squares += glorot[i] * glorot[i];
    }
    for (std::size_t i = 2048; i < 2080; ++i) CHECK(he[i] == 0.0);
    // He: sd sqrt(2/64) = 0.177; Glorot uniform: sd limit/sqrt(3). 2048 draws: within 10%.
    CHECK(std::fabs(sum / 2048) < 0.03);
    CHECK(std::sqrt(squares / 2048) == Approx(std::sqrt(2.0 / 64)).epsilon(0.1));
    CHECK(std::sqrt(glorot_squares / 2048) == Approx(limit / std::sqrt(3.0)).epsilon(0.1));
}
