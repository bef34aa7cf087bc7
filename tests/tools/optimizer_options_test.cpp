// The optimizer options of minimize and fit: each hyper-parameter and schedule changes
// the run as its update rule says (checked against the rules of docs/optimizers.md,
// written out here step by step), and each is refused for an optimizer that has no use for it.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <numbers>
#include <string>
#include <vector>

#include "command_output.hpp"
#include "temp_files.hpp"

using gradc::testing::check_error;
using gradc::testing::json_token;
using gradc::testing::parse_number;
using gradc::testing::run_gradc;
using gradc::testing::run_gradc_stream;
using gradc::testing::temp_file;

namespace {

using Point = std::array<double, 2>;
// One update of the parameters from the gradient at them; t is the 1-based step.
using Rule = std::function<void(Point& p, Point g, int t)>;

// f(x, y) = x² + 3y² from (1, -2): the gradient (2x, 6y) scales the coordinates apart,
// so rules that normalize per coordinate (Adam, RMSprop, Adagrad) differ from plain steps.
const std::string kBowl = "minimize 'x^2 + 3*y^2' --from x=1,y=-2 --json ";

Point reference(const Rule& rule, int steps) {
    Point p{1, -2};
    for (int t = 1; t <= steps; ++t) rule(p, {2 * p[0], 6 * p[1]}, t);
    return p;
}

// The point minimize reaches after `steps` steps with `options`.
Point minimized(const std::string& options, int steps) {
    const auto r = run_gradc_stream(1, kBowl + "--max-iter " + std::to_string(steps) + " " + options);
    INFO(r.out);
    REQUIRE(r.exit_code == 1);  // stopped by --max-iter, far from converged
    return {parse_number(json_token(r.out, {"x", "x"})), parse_number(json_token(r.out, {"x", "y"}))};
}

void check_same(Point got, Point expected) {
    CHECK(got[0] == Approx(expected[0]).epsilon(1e-12));
    CHECK(got[1] == Approx(expected[1]).epsilon(1e-12));
}

// Heavy-ball momentum μ (PyTorch's SGD): b ← g at t = 1, else μb + g.
Rule momentum_rule(double lr, double mu, bool nesterov) {
    return [=, b = Point{}](Point& p, Point g, int t) mutable {
        for (int i = 0; i < 2; ++i) {
            b[i] = t == 1 ? g[i] : mu * b[i] + g[i];
            p[i] -= lr * (nesterov ? g[i] + mu * b[i] : b[i]);
        }
    };
}

// Adam with weight decay λ, added to g or, decoupled (AdamW), taken off θ first.
Rule adam_rule(double lr, double b1, double b2, double eps, double lambda, bool decoupled) {
    return [=, m = Point{}, v = Point{}](Point& p, Point g, int t) mutable {
        for (int i = 0; i < 2; ++i) {
            if (decoupled)
                p[i] -= lr * lambda * p[i];
            else
                g[i] += lambda * p[i];
            m[i] = b1 * m[i] + (1 - b1) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            const double m_hat = m[i] / (1 - std::pow(b1, t)), v_hat = v[i] / (1 - std::pow(b2, t));
            p[i] -= lr * m_hat / (std::sqrt(v_hat) + eps);
        }
    };
}

// The noisy line of docs/data/line_noisy.csv.
const std::vector<double> kX{-1, 0, 1, 2, 3, 4};
const std::vector<double> kY{-3.1, -0.9, 1.2, 2.8, 5.1, 6.9};

// The gradient of the mean of (w·x + b − y)² over rows [begin, end), by (w, b).
Point line_gradient(Point p, std::size_t begin, std::size_t end) {
    Point g{0, 0};
    for (std::size_t i = begin; i < end; ++i) {
        const double r = p[0] * kX[i] + p[1] - kY[i];
        g[0] += 2 * r * kX[i];
        g[1] += 2 * r;
    }
    const double n = static_cast<double>(end - begin);
    return {g[0] / n, g[1] / n};
}

Point fitted_line(const std::string& options) {
    const std::string data = temp_file("line.csv", "x,y\n-1,-3.1\n0,-0.9\n1,1.2\n2,2.8\n3,5.1\n4,6.9\n");
    const auto r = run_gradc_stream(1, "fit 'w*x + b' --data " + data + " --target y --json " + options);
    INFO(r.out);
    REQUIRE(r.exit_code == 0);
    return {parse_number(json_token(r.out, {"params", "w"})), parse_number(json_token(r.out, {"params", "b"}))};
}

}  // namespace

TEST_CASE("minimize --momentum sets heavy-ball momentum, --nesterov adds the look-ahead", "[cli][optimizer]") {
    check_same(minimized("--optimizer momentum --lr 0.05 --momentum 0.5", 5),
               reference(momentum_rule(0.05, 0.5, false), 5));
    check_same(minimized("--optimizer momentum --lr 0.05 --momentum 0.5 --nesterov", 5),
               reference(momentum_rule(0.05, 0.5, true), 5));
    // The defaults are the options' documented values: μ 0.9, and --nesterov is --optimizer nesterov.
    CHECK(run_gradc(kBowl + "--optimizer momentum --lr 0.05").out ==
          run_gradc(kBowl + "--optimizer momentum --lr 0.05 --momentum 0.9").out);
    CHECK(run_gradc(kBowl + "--optimizer nesterov --lr 0.05").out ==
          run_gradc(kBowl + "--optimizer momentum --lr 0.05 --nesterov").out);
    // Momentum carries the first step on: a different point from the default's.
    const Point half = minimized("--optimizer momentum --lr 0.05 --momentum 0.5", 3);
    const Point customary = minimized("--optimizer momentum --lr 0.05", 3);
    CHECK(half[0] != customary[0]);
}

TEST_CASE("minimize --weight-decay adds decay times theta to the gradient, and adamw shrinks theta itself",
          "[cli][optimizer]") {
    const Rule gd_decay = [](Point& p, Point g, int) {
        for (int i = 0; i < 2; ++i) p[i] -= 0.1 * (g[i] + 0.3 * p[i]);
    };
    check_same(minimized("--optimizer gd --lr 0.1 --weight-decay 0.3", 4), reference(gd_decay, 4));
    const Point adam = minimized("--optimizer adam --lr 0.1 --weight-decay 0.5", 3);
    const Point adamw = minimized("--optimizer adamw --lr 0.1 --weight-decay 0.5", 3);
    check_same(adam, reference(adam_rule(0.1, 0.9, 0.999, 1e-8, 0.5, false), 3));
    check_same(adamw, reference(adam_rule(0.1, 0.9, 0.999, 1e-8, 0.5, true), 3));
    CHECK(adam[0] != adamw[0]);
    // AdamW's own default decay is 1e-2.
    check_same(minimized("--optimizer adamw --lr 0.1", 3), reference(adam_rule(0.1, 0.9, 0.999, 1e-8, 1e-2, true), 3));
}

TEST_CASE("minimize --betas and --eps set Adam's decay rates and its guard", "[cli][optimizer]") {
    check_same(minimized("--optimizer adam --lr 0.1 --betas 0.5,0.9 --eps 1e-3", 6),
               reference(adam_rule(0.1, 0.5, 0.9, 1e-3, 0, false), 6));
    check_same(minimized("--optimizer adamw --lr 0.1 --betas 0.8,0.99 --weight-decay 0", 6),
               reference(adam_rule(0.1, 0.8, 0.99, 1e-8, 0, true), 6));
}

TEST_CASE("minimize --alpha, --momentum and --eps set RMSprop's rule", "[cli][optimizer]") {
    const Rule rmsprop = [v = Point{}, b = Point{}](Point& p, Point g, int) mutable {
        for (int i = 0; i < 2; ++i) {
            v[i] = 0.5 * v[i] + 0.5 * g[i] * g[i];
            b[i] = 0.3 * b[i] + g[i] / (std::sqrt(v[i]) + 1e-4);
            p[i] -= 0.01 * b[i];
        }
    };
    check_same(minimized("--optimizer rmsprop --lr 0.01 --alpha 0.5 --momentum 0.3 --eps 1e-4", 5),
               reference(rmsprop, 5));
}

TEST_CASE("minimize --eps sets Adagrad's guard", "[cli][optimizer]") {
    const Rule adagrad = [s = Point{}](Point& p, Point g, int) mutable {
        for (int i = 0; i < 2; ++i) {
            s[i] += g[i] * g[i];
            p[i] -= 0.5 * g[i] / (std::sqrt(s[i]) + 0.1);
        }
    };
    check_same(minimized("--optimizer adagrad --lr 0.5 --eps 0.1", 4), reference(adagrad, 4));
}

TEST_CASE("minimize --schedule scales the learning rate step by step", "[cli][optimizer]") {
    // PyTorch's closed forms, with t the steps already taken.
    struct Case {
        std::string spec;
        std::function<double(int)> rate;
    };
    const std::vector<Case> cases = {
        {"step:2:0.5", [](int t) { return 0.1 * std::pow(0.5, t / 2); }},
        {"step:3", [](int t) { return 0.1 * std::pow(0.1, t / 3); }},
        {"exp:0.8", [](int t) { return 0.1 * std::pow(0.8, t); }},
        {"cosine:4", [](int t) { return 0.1 * (1 + std::cos(std::numbers::pi * t / 4)) / 2; }},
        {"cosine:4:0.01", [](int t) { return 0.01 + (0.1 - 0.01) * (1 + std::cos(std::numbers::pi * t / 4)) / 2; }},
    };
    for (const Case& c : cases) {
        INFO(c.spec);
        const Rule gd = [&](Point& p, Point g, int t) {
            for (int i = 0; i < 2; ++i) p[i] -= c.rate(t - 1) * g[i];
        };
        check_same(minimized("--optimizer gd --lr 0.1 --schedule " + c.spec, 4), reference(gd, 4));
    }
}

TEST_CASE("minimize --history-size sets the steps L-BFGS remembers", "[cli][optimizer]") {
    const std::string rosenbrock = "minimize '(1 - x)^2 + 100*(y - x^2)^2' --from x=-1.2,y=1 --json";
    // 10 is the default.
    CHECK(run_gradc(rosenbrock + " --history-size 10").out == run_gradc(rosenbrock).out);
    // With one pair the inverse Hessian estimate is cruder: the same minimum, another path.
    const auto one = run_gradc_stream(1, rosenbrock + " --history-size 1");
    const auto ten = run_gradc_stream(1, rosenbrock);
    CHECK(one.exit_code == 0);
    CHECK(parse_number(json_token(one.out, {"x", "x"})) == Approx(1).margin(1e-7));
    CHECK(json_token(one.out, {"iterations"}) != json_token(ten.out, {"iterations"}));
}

TEST_CASE("fit passes the hyper-parameters to its optimizer", "[cli][optimizer][fit]") {
    // Full-batch momentum 0.5 on the mean squared error, from w = b = 0.
    Point p{0, 0}, b{0, 0};
    for (int t = 1; t <= 4; ++t) {
        const Point g = line_gradient(p, 0, kX.size());
        for (int i = 0; i < 2; ++i) {
            b[i] = t == 1 ? g[i] : 0.5 * b[i] + g[i];
            p[i] -= 0.01 * b[i];
        }
    }
    const Point fitted = fitted_line("--optimizer momentum --lr 0.01 --momentum 0.5 --epochs 4");
    CHECK(fitted[0] == Approx(p[0]).epsilon(1e-12));
    CHECK(fitted[1] == Approx(p[1]).epsilon(1e-12));
}

TEST_CASE("fit --schedule counts steps, not epochs", "[cli][optimizer][fit]") {
    // Batches of 3 rows in file order: two steps an epoch, so step:2:0.5 halves the rate every epoch.
    Point p{0, 0};
    int t = 0;
    for (int epoch = 1; epoch <= 3; ++epoch)
        for (std::size_t start = 0; start < kX.size(); start += 3, ++t) {
            const Point g = line_gradient(p, start, start + 3);
            for (int i = 0; i < 2; ++i) p[i] -= 0.05 * std::pow(0.5, t / 2) * g[i];
        }
    const Point fitted =
        fitted_line("--optimizer gd --lr 0.05 --batch-size 3 --no-shuffle --epochs 3 --schedule step:2:0.5");
    CHECK(fitted[0] == Approx(p[0]).epsilon(1e-12));
    CHECK(fitted[1] == Approx(p[1]).epsilon(1e-12));
}

TEST_CASE("an option the optimizer does not use is refused", "[cli][optimizer][errors]") {
    const std::string line = "fit 'w*x + b' --data " GRADC_SOURCE_DIR "/docs/data/line_noisy.csv --target y ";
    for (const std::string& command : {kBowl, line}) {
        check_error(command + "--optimizer adam --momentum 0.5",
                    "--momentum is for momentum, nesterov and rmsprop, not adam");
        check_error(command + "--optimizer gd --momentum 0.5",
                    "--momentum is for momentum, nesterov and rmsprop, not gd");
        check_error(command + "--optimizer rmsprop --nesterov", "--nesterov is for momentum and nesterov, not rmsprop");
        check_error(command + "--weight-decay 0.1",
                    "--weight-decay is for the first-order optimizers (all but lbfgs), not lbfgs");
        check_error(command + "--optimizer gd --betas 0.9,0.99", "--betas is for adam and adamw, not gd");
        check_error(command + "--optimizer gd --eps 1e-6", "--eps is for adagrad, rmsprop, adam and adamw, not gd");
        check_error(command + "--optimizer adam --alpha 0.9", "--alpha is for rmsprop, not adam");
        check_error(command + "--schedule exp:0.9",
                    "--schedule is for the first-order optimizers (all but lbfgs), not lbfgs");
        check_error(command + "--optimizer adam --history-size 5", "--history-size is for lbfgs, not adam");
    }
}

TEST_CASE("hyper-parameters out of range are refused with an example", "[cli][optimizer][errors]") {
    check_error(kBowl + "--optimizer momentum --momentum -0.5", "--momentum must be 0 or more, as in --momentum 0.9");
    check_error(kBowl + "--optimizer nesterov --momentum 0",
                "Nesterov's momentum needs --momentum above 0, as in --momentum 0.9");
    check_error(kBowl + "--optimizer gd --weight-decay -1",
                "--weight-decay must be 0 or more, as in --weight-decay 1e-4");
    check_error(kBowl + "--optimizer adam --betas 0.9",
                "--betas takes two numbers in [0, 1) separated by a comma, as in --betas 0.9,0.999; got '0.9'");
    check_error(kBowl + "--optimizer adam --betas 1,0.5",
                "--betas takes two numbers in [0, 1) separated by a comma, as in --betas 0.9,0.999; got '1,0.5'");
    check_error(kBowl + "--optimizer adam --eps -1", "--eps must be 0 or more, as in --eps 1e-8");
    check_error(kBowl + "--optimizer rmsprop --alpha 1", "--alpha must be in [0, 1), as in --alpha 0.99");
    check_error(kBowl + "--history-size 0", "--history-size must be 1 or more, as in --history-size 10");
    check_error(kBowl + "--optimizer gd --schedule linear:5",
                "--schedule takes step:STEP_SIZE[:GAMMA], exp:GAMMA or cosine:T_MAX[:ETA_MIN], as in --schedule "
                "cosine:1000; got 'linear:5'");
    check_error(kBowl + "--optimizer gd --schedule step:0",
                "--schedule step's STEP_SIZE is a count of steps, 1 or more, as in step:100:0.5; got 'step:0'");
    check_error(kBowl + "--optimizer gd --schedule step:10:-1",
                "--schedule step's GAMMA must be a positive number, as in step:100:0.5; got 'step:10:-1'");
    check_error(kBowl + "--optimizer gd --schedule exp",
                "--schedule exp takes exp:GAMMA, a positive number, as in exp:0.99; got 'exp'");
    check_error(kBowl + "--optimizer gd --schedule cosine:ten",
                "--schedule cosine's T_MAX is a count of steps, 1 or more, as in cosine:1000; got 'cosine:ten'");
    check_error(kBowl + "--optimizer gd --schedule cosine:10:-0.1",
                "--schedule cosine's ETA_MIN must be 0 or more, as in cosine:1000:1e-5; got 'cosine:10:-0.1'");
}
