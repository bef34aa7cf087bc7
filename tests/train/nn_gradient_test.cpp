// Backpropagation through gradc::nn networks: the compiled batch kernel's gradient of
// each layer, activation and loss against finite differences of its own loss
// (gradcheck), at random parameter points (fixed seeds).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gradc/gradcheck.hpp"
#include "gradc/nn.hpp"

using namespace gradc;

namespace {

struct Case {
    ExprContext ctx;
    std::vector<Expr> params;
    std::vector<Expr> columns;  // x0, x1, x2, then the targets
    Expr loss = nullptr;
};

// Random rows: three inputs in [-2, 2]; targets (classes 0..2, or values) per row.
std::vector<std::vector<double>> random_columns(std::size_t count, std::size_t rows, std::mt19937_64& random,
                                                bool classes) {
    std::uniform_int_distribution<int> pick(0, 2);
    std::uniform_real_distribution<double> value(-2.0, 2.0);
    std::vector<std::vector<double>> columns(count, std::vector<double>(rows));
    for (std::size_t j = 0; j < count; ++j)
        for (double& v : columns[j]) v = classes && j == count - 1 ? pick(random) : value(random);
    return columns;
}

// Checks every partial of the summed loss against (L(θ + h e_i) − L(θ − h e_i)) / 2h.
void check_against_differences(Case& c, bool classes, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    Jit jit;
    const BatchKernel kernel = compile_batch(jit, c.ctx, c.loss, c.params, c.columns);
    const std::size_t rows = 5;
    const auto columns = random_columns(c.columns.size(), rows, random, classes);
    std::vector<const double*> pointers;
    for (const auto& column : columns) pointers.push_back(column.data());
    std::uniform_real_distribution<double> value(-1.0, 1.0);
    std::vector<double> theta(c.params.size());
    for (double& t : theta) t = value(random);

    const std::vector<double> out = kernel(theta, pointers, rows);
    REQUIRE(std::isfinite(out[0]));
    // A small step keeps the differences off the relu kinks the rows put near theta.
    const PointFunction loss = [&](std::span<const double> p, std::span<double> v) {
        v[0] = kernel(std::vector<double>(p.begin(), p.end()), pointers, rows)[0];
    };
    const PointFunction partials = [&](std::span<const double> p, std::span<double> d) {
        const std::vector<double> o = kernel(std::vector<double>(p.begin(), p.end()), pointers, rows);
        std::copy(o.begin() + 1, o.end(), d.begin());
    };
    std::vector<std::size_t> every(theta.size());
    for (std::size_t i = 0; i < every.size(); ++i) every[i] = i;
    const std::vector<double> points[] = {theta};
    const GradcheckResult check =
        gradcheck(loss, partials, 1, every, points, GradcheckOptions{.tolerance = 1e-5, .step = 1e-6});
    for (const PartialCheck& p : check.partials) {
        INFO("parameter " << c.params[p.input]->name() << ": " << p.computed << " against " << p.numeric);
        CHECK(p.error <= 1e-5);
    }
    CHECK(check.ok);
}

}  // namespace

TEST_CASE("a dense layer's gradient matches finite differences for every activation", "[nn][gradient]") {
    const nn::Activation activation = GENERATE(nn::Activation::Identity, nn::Activation::Tanh, nn::Activation::Relu,
                                               nn::Activation::Sigmoid, nn::Activation::Softplus);
    INFO("activation " << nn::activation_name(activation));
    Case c;
    for (const char* name : {"x0", "x1", "x2"}) c.columns.push_back(c.ctx.variable(name));
    const Expr y = c.ctx.variable("y");
    const std::vector<Expr> hidden = nn::dense(c.ctx, c.columns, 4, activation, "l1", c.params);
    const std::vector<Expr> out = nn::dense(c.ctx, hidden, 1, nn::Activation::Identity, "l2", c.params);
    c.columns.push_back(y);
    const Expr target[1] = {y};
    c.loss = nn::squared_error(c.ctx, out, target);
    check_against_differences(c, false, 11);
}

TEST_CASE("a two-hidden-layer classifier's softmax cross-entropy gradient matches finite differences",
          "[nn][gradient]") {
    const nn::Activation activation = GENERATE(nn::Activation::Tanh, nn::Activation::Relu);
    Case c;
    for (const char* name : {"x0", "x1", "x2"}) c.columns.push_back(c.ctx.variable(name));
    const nn::Network net = nn::build(c.ctx, nn::Mlp{3, {4, 3}, 3, activation}, c.columns);
    c.params = net.params;
    const Expr y = c.ctx.variable("y");
    c.columns.push_back(y);
    const double classes[3] = {0, 1, 2};
    c.loss = nn::softmax_cross_entropy(c.ctx, net.outputs, y, classes);
    check_against_differences(c, true, 23);
}

TEST_CASE("parameters are named by layer, unit and input, weights before biases", "[nn]") {
    ExprContext ctx;
    const Expr x[2] = {ctx.variable("a"), ctx.variable("b")};
    const nn::Mlp spec{2, {3}, 1, nn::Activation::Tanh};
    const nn::Network net = nn::build(ctx, spec, x);
    REQUIRE(net.params.size() == spec.param_count());
    CHECK(spec.param_count() == 13);
    CHECK(net.params[0]->name() == "l1_w_0_0");
    CHECK(net.params[1]->name() == "l1_w_0_1");
    CHECK(net.params[5]->name() == "l1_w_2_1");
    CHECK(net.params[6]->name() == "l1_b_0");
    CHECK(net.params[9]->name() == "l2_w_0_0");
    CHECK(net.params[12]->name() == "l2_b_0");
    CHECK(spec.describe() == "2-3-1 tanh");
}
