// The first steps of each first-order optimizer on f(x, y) = x^2 + 2y^2 from (1, 1),
// against its update rule worked out by hand here: the gradient is (2x, 4y).
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"

using namespace gradc;

namespace {

using Point = std::array<double, 2>;

// The points after each of `steps` steps from (1, 1).
std::vector<Point> run(Optimizer& optimizer, int steps) {
    Point p{1.0, 1.0};
    std::vector<Point> points;
    for (int k = 0; k < steps; ++k) {
        const Point g{2 * p[0], 4 * p[1]};
        optimizer.step(p, g);
        points.push_back(p);
    }
    return points;
}

void check_points(const std::vector<Point>& got, const std::vector<Point>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t k = 0; k < got.size(); ++k) {
        INFO("step " << k + 1);
        CHECK(got[k][0] == Approx(want[k][0]).epsilon(1e-13).margin(1e-15));
        CHECK(got[k][1] == Approx(want[k][1]).epsilon(1e-13).margin(1e-15));
    }
}

}  // namespace

TEST_CASE("gradient descent steps by -lr times the gradient", "[train][first_order]") {
    Sgd gd(SgdOptions{.lr = 0.1});
    // (1, 1) - 0.1 (2, 4) = (0.8, 0.6); then (0.8, 0.6) - 0.1 (1.6, 2.4) = (0.64, 0.36) ...
    check_points(run(gd, 3), {{0.8, 0.6}, {0.64, 0.36}, {0.512, 0.216}});
}

TEST_CASE("heavy-ball momentum starts its buffer at the first gradient", "[train][first_order]") {
    Sgd momentum(SgdOptions{.lr = 0.1, .momentum = 0.9});
    // b1 = g1 = (2, 4): x1 = (0.8, 0.6)
    // g2 = (1.6, 2.4), b2 = 0.9 (2, 4) + g2 = (3.4, 6.0): x2 = (0.46, 0)
    // g3 = (0.92, 0), b3 = 0.9 (3.4, 6.0) + g3 = (3.98, 5.4): x3 = (0.062, -0.54)
    check_points(run(momentum, 3), {{0.8, 0.6}, {0.46, 0.0}, {0.062, -0.54}});
}

TEST_CASE("Nesterov momentum steps along g + mu b", "[train][first_order]") {
    Sgd nesterov(SgdOptions{.lr = 0.1, .momentum = 0.9, .nesterov = true});
    // b1 = (2, 4), step g1 + 0.9 b1 = (3.8, 7.6): x1 = (0.62, 0.24)
    // g2 = (1.24, 0.96), b2 = (3.04, 4.56), step (3.976, 5.064): x2 = (0.2224, -0.2664)
    // g3 = (0.4448, -1.0656), b3 = (3.1808, 3.0384), step (3.30752, 1.66896)
    check_points(run(nesterov, 3), {{0.62, 0.24}, {0.2224, -0.2664}, {-0.108352, -0.433296}});
}

TEST_CASE("SGD with weight decay and dampening", "[train][first_order]") {
    Sgd sgd(SgdOptions{.lr = 0.1, .momentum = 0.9, .dampening = 0.5, .weight_decay = 0.5});
    // x: g1 = 2 + 0.5 = 2.5, b1 = 2.5 (not damped): x1 = 0.75
    //    g2 = 1.5 + 0.375 = 1.875, b2 = 0.9 * 2.5 + 0.5 * 1.875 = 3.1875: x2 = 0.43125
    const std::vector<Point> got = run(sgd, 2);
    CHECK(got[0][0] == Approx(0.75).epsilon(1e-14));
    CHECK(got[1][0] == Approx(0.43125).epsilon(1e-14));
}

TEST_CASE("Adagrad divides by the root of the summed squared gradients", "[train][first_order]") {
    Adagrad adagrad(AdagradOptions{.lr = 0.1});
    const double eps = 1e-10;
    // s1 = (4, 16): x1 = 1 - 0.1 * 2 / (2 + eps), y1 = 1 - 0.1 * 4 / (4 + eps)
    const double x1 = 1 - 0.1 * 2 / (2 + eps), y1 = 1 - 0.1 * 4 / (4 + eps);
    // s2 = s1 + g2^2 with g2 = (2 x1, 4 y1)
    const double x2 = x1 - 0.1 * (2 * x1) / (std::sqrt(4 + 4 * x1 * x1) + eps);
    const double y2 = y1 - 0.1 * (4 * y1) / (std::sqrt(16 + 16 * y1 * y1) + eps);
    check_points(run(adagrad, 2), {{x1, y1}, {x2, y2}});
    CHECK(x1 == Approx(0.9).epsilon(1e-9));
}

TEST_CASE("Adagrad's learning-rate decay and initial accumulator", "[train][first_order]") {
    Adagrad adagrad(AdagradOptions{.lr = 0.1, .lr_decay = 1.0, .initial_accumulator_value = 5.0, .eps = 0.0});
    // Step 1: s = 5 + 4 = 9, rate 0.1: x1 = 1 - 0.1 * 2 / 3
    // Step 2: rate 0.1 / (1 + 1) = 0.05, s = 9 + (2 x1)^2: x2 = x1 - 0.05 * 2 x1 / sqrt(s)
    const double x1 = 1 - 0.2 / 3;
    const double x2 = x1 - 0.05 * 2 * x1 / std::sqrt(9 + 4 * x1 * x1);
    const std::vector<Point> got = run(adagrad, 2);
    CHECK(got[0][0] == Approx(x1).epsilon(1e-14));
    CHECK(got[1][0] == Approx(x2).epsilon(1e-14));
}

TEST_CASE("RMSprop divides by the root of a moving average of squared gradients", "[train][first_order]") {
    Rmsprop rmsprop;  // PyTorch's defaults: lr 0.01, alpha 0.99, eps 1e-8
    // v1 = 0.01 (4, 16) = (0.04, 0.16): x1 = 1 - 0.01 * 2 / (0.2 + eps) ~ 0.9, y1 likewise
    const double eps = 1e-8;
    const double x1 = 1 - 0.01 * 2 / (0.2 + eps), y1 = 1 - 0.01 * 4 / (0.4 + eps);
    // v2 = 0.99 v1 + 0.01 g2^2
    const double vx = 0.99 * 0.04 + 0.01 * (2 * x1) * (2 * x1), vy = 0.99 * 0.16 + 0.01 * (4 * y1) * (4 * y1);
    const double x2 = x1 - 0.01 * (2 * x1) / (std::sqrt(vx) + eps);
    const double y2 = y1 - 0.01 * (4 * y1) / (std::sqrt(vy) + eps);
    check_points(run(rmsprop, 2), {{x1, y1}, {x2, y2}});
}

TEST_CASE("centered RMSprop with momentum", "[train][first_order]") {
    Rmsprop rmsprop(RmspropOptions{.lr = 0.01, .eps = 0.0, .momentum = 0.5, .centered = true});
    // x: v1 = 0.04, mean gradient 0.02, centered 0.04 - 0.0004 = 0.0396
    //    b1 = 2 / sqrt(0.0396): x1 = 1 - 0.01 b1
    const double b1 = 2 / std::sqrt(0.0396);
    const double x1 = 1 - 0.01 * b1;
    //    g2 = 2 x1; v2 = 0.99 * 0.04 + 0.01 g2^2; mean 0.99 * 0.02 + 0.01 g2
    const double g2 = 2 * x1, v2 = 0.99 * 0.04 + 0.01 * g2 * g2, mean2 = 0.99 * 0.02 + 0.01 * g2;
    const double b2 = 0.5 * b1 + g2 / std::sqrt(v2 - mean2 * mean2);
    const std::vector<Point> got = run(rmsprop, 2);
    CHECK(got[0][0] == Approx(x1).epsilon(1e-14));
    CHECK(got[1][0] == Approx(x1 - 0.01 * b2).epsilon(1e-14));
}

TEST_CASE("Adam's bias-corrected moments", "[train][first_order]") {
    Adam adam(AdamOptions{.lr = 0.1});
    const double eps = 1e-8;
    // Step 1, x: m = 0.1 * 2 = 0.2, v = 0.001 * 4 = 0.004; m^ = 0.2 / 0.1 = 2, v^ = 0.004 / 0.001 = 4
    //   x1 = 1 - 0.1 * 2 / (2 + eps), and y1 = 1 - 0.1 * 4 / (4 + eps) the same way
    const double x1 = 1 - 0.1 * 2 / (2 + eps), y1 = 1 - 0.1 * 4 / (4 + eps);
    // Step 2: m = 0.9 m + 0.1 g, v = 0.999 v + 0.001 g^2, corrected by 1 - 0.9^2 = 0.19 and
    // 1 - 0.999^2 = 0.001999
    const double gx = 2 * x1, gy = 4 * y1;
    const double mx = 0.9 * 0.2 + 0.1 * gx, vx = 0.999 * 0.004 + 0.001 * gx * gx;
    const double my = 0.9 * 0.4 + 0.1 * gy, vy = 0.999 * 0.016 + 0.001 * gy * gy;
    const double x2 = x1 - 0.1 * (mx / 0.19) / (std::sqrt(vx / 0.001999) + eps);
    const double y2 = y1 - 0.1 * (my / 0.19) / (std::sqrt(vy / 0.001999) + eps);
    check_points(run(adam, 2), {{x1, y1}, {x2, y2}});
}

TEST_CASE("Adam's weight decay enters the gradient", "[train][first_order]") {
    Adam adam(AdamOptions{.lr = 0.1, .weight_decay = 1.0});
    // g = 2 + 1 = 3, so m^ = 3, v^ = 9 and the first step is -0.1 * 3 / (3 + eps): as without decay
    // (Adam's first step is the sign), so look at the second: g2 = 3 x1.
    const double eps = 1e-8;
    const double x1 = 1 - 0.1 * 3 / (3 + eps);
    const double g2 = 3 * x1;
    const double m = 0.9 * 0.3 + 0.1 * g2, v = 0.999 * 0.009 + 0.001 * g2 * g2;
    const double x2 = x1 - 0.1 * (m / 0.19) / (std::sqrt(v / 0.001999) + eps);
    const std::vector<Point> got = run(adam, 2);
    CHECK(got[1][0] == Approx(x2).epsilon(1e-14));
}

TEST_CASE("AdamW decays the weights apart from the moments", "[train][first_order]") {
    AdamW adamw(AdamWOptions{.lr = 0.1});  // weight decay 0.01 by default
    const double eps = 1e-8;
    // Step 1, x: shrink 1 * (1 - 0.1 * 0.01) = 0.999, then Adam's step with g = 2 (the
    // gradient at the old point): x1 = 0.999 - 0.1 * 2 / (2 + eps)
    const double x1 = 0.999 - 0.1 * 2 / (2 + eps);
    // Step 2: g2 = 2 x1, shrink x1 * 0.999, moments of g alone.
    const double g2 = 2 * x1;
    const double m = 0.9 * 0.2 + 0.1 * g2, v = 0.999 * 0.004 + 0.001 * g2 * g2;
    const double x2 = x1 * 0.999 - 0.1 * (m / 0.19) / (std::sqrt(v / 0.001999) + eps);
    const std::vector<Point> got = run(adamw, 2);
    CHECK(got[0][0] == Approx(x1).epsilon(1e-14));
    CHECK(got[1][0] == Approx(x2).epsilon(1e-14));
    CHECK(x1 == Approx(0.899).epsilon(1e-8));
}

TEST_CASE("reset() forgets the state: the steps repeat", "[train][first_order]") {
    Adam adam(AdamOptions{.lr = 0.1});
    const std::vector<Point> first = run(adam, 3);
    CHECK(adam.steps() == 3);
    adam.reset();
    CHECK(adam.steps() == 0);
    CHECK(run(adam, 3) == first);
}

TEST_CASE("the optimizers' defaults are PyTorch's", "[train][first_order]") {
    CHECK(default_learning_rate(Method::GradientDescent) == 1e-3);
    CHECK(default_learning_rate(Method::Momentum) == 1e-3);
    CHECK(default_learning_rate(Method::Nesterov) == 1e-3);
    CHECK(default_learning_rate(Method::Adagrad) == 1e-2);
    CHECK(default_learning_rate(Method::Rmsprop) == 1e-2);
    CHECK(default_learning_rate(Method::Adam) == 1e-3);
    CHECK(default_learning_rate(Method::AdamW) == 1e-3);
    CHECK(AdamOptions{}.beta1 == 0.9);
    CHECK(AdamOptions{}.beta2 == 0.999);
    CHECK(AdamOptions{}.eps == 1e-8);
    CHECK(AdamWOptions{}.weight_decay == 1e-2);
    CHECK(RmspropOptions{}.alpha == 0.99);
    CHECK(AdagradOptions{}.eps == 1e-10);
    // make_optimizer's momentum methods: one step from (1, 1) with lr 0.1 is as by hand above.
    const auto momentum = make_optimizer(Method::Momentum, 0.1);
    check_points(run(*momentum, 2), {{0.8, 0.6}, {0.46, 0.0}});
    const auto nesterov = make_optimizer(Method::Nesterov, 0.1);
    check_points(run(*nesterov, 1), {{0.62, 0.24}});
}

TEST_CASE("optimizers refuse bad settings and mismatched sizes", "[train][first_order][errors]") {
    CHECK_THROWS_AS(Sgd(SgdOptions{.lr = 0.0}), Error);
    CHECK_THROWS_AS(Sgd(SgdOptions{.lr = -1.0}), Error);
    CHECK_THROWS_AS(Adam(AdamOptions{.lr = NAN}), Error);
    CHECK_THROWS_AS(Sgd(SgdOptions{.lr = 0.1, .nesterov = true}), Error);  // Nesterov without momentum
    CHECK_THROWS_AS(Adam(AdamOptions{.beta2 = 1.0}), Error);
    CHECK_THROWS_AS(make_optimizer(Method::Lbfgs), Error);
    CHECK_THROWS_AS(make_optimizer(Method::Adam, -0.1), Error);
    Sgd sgd;
    std::vector<double> p{1, 2}, g{1};
    CHECK_THROWS_WITH(sgd.step(p, g), Catch::Contains("one partial derivative per parameter"));
    g = {1, 1};
    sgd.step(p, g);
    std::vector<double> p3{1, 2, 3}, g3{1, 1, 1};
    CHECK_THROWS_WITH(sgd.step(p3, g3), Catch::Contains("call reset()"));
    sgd.reset();
    CHECK_NOTHROW(sgd.step(p3, g3));
}
