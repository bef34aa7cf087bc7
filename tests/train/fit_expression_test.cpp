// fit() of a model built as an expression: the same run, bit for bit, as fit() of the
// formula's text, and a classifier of several logits whose fitted probabilities meet
// the maximum-likelihood condition (their mean is each class's frequency).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "gradc/fit.hpp"
#include "gradc/print.hpp"

using namespace gradc;

namespace {

// y = 0.5x² − 2 sin(x) + 1 plus seeded noise, x in [-3, 3].
Dataset curve(std::size_t rows) {
    std::mt19937_64 random(11);
    std::uniform_real_distribution<double> x_at(-3.0, 3.0), noise(-0.1, 0.1);
    Dataset d;
    d.names = {"x", "y"};
    d.columns.assign(2, std::vector<double>(rows));
    for (std::size_t r = 0; r < rows; ++r) {
        const double x = x_at(random);
        d.columns[0][r] = x;
        d.columns[1][r] = 0.5 * x * x - 2.0 * std::sin(x) + 1.0 + noise(random);
    }
    return d;
}

// "a*x^2 + b*sin(x) + c", its nodes built in the order the parser builds them.
Expr curve_model(ExprContext& ctx) {
    const Expr a = ctx.variable("a"), x = ctx.variable("x");
    const Expr square = ctx.mul(a, ctx.pow(x, ctx.constant(2.0)));
    const Expr b = ctx.variable("b");
    const Expr wave = ctx.mul(b, ctx.make(Op::Sin, x));
    const Expr sum = ctx.add(square, wave);
    return ctx.add(sum, ctx.variable("c"));
}

void check_same_run(const FitResult& built, const FitResult& parsed) {
    CHECK(built.names.data == parsed.names.data);
    CHECK(built.names.params == parsed.names.params);
    CHECK(built.params == parsed.params);  // exactly: the same kernel took the same steps
    CHECK(built.loss == parsed.loss);
    CHECK(built.epochs == parsed.epochs);
    CHECK(built.stop == parsed.stop);
    REQUIRE(built.history.size() == parsed.history.size());
    for (std::size_t k = 0; k < built.history.size(); ++k) {
        CHECK(built.history[k].loss == parsed.history[k].loss);
        CHECK(std::isnan(built.history[k].val_loss) == std::isnan(parsed.history[k].val_loss));
        if (!std::isnan(parsed.history[k].val_loss)) CHECK(built.history[k].val_loss == parsed.history[k].val_loss);
    }
}

}  // namespace

TEST_CASE("fit of an expression takes the same steps as fit of its text", "[fit][expression]") {
    const Dataset data = curve(300);
    FitOptions options;
    options.target = "y";
    SECTION("L-BFGS on the full batch") {}
    SECTION("Adam on shuffled mini-batches, standardized, with validation and early stopping") {
        options = {.target = "y",
                   .method = Method::Adam,
                   .learning_rate = 0.05,
                   .epochs = 60,
                   .batch_size = 16,
                   .seed = 5,
                   .validation = 0.2,
                   .patience = 10,
                   .l2 = 1e-3,
                   .standardize = true};
    }
    const FitResult parsed = fit("a*x^2 + b*sin(x) + c", data, options);
    ExprContext ctx;
    const Expr model = curve_model(ctx);
    const FitResult built = fit(ctx, model, data, options);
    check_same_run(built, parsed);
    CHECK(parsed.model == "a*x^2 + b*sin(x) + c");
    CHECK(built.model == to_infix(model));
    // The printed model reads back: predictions from either result agree.
    CHECK(predict(built, data) == predict(parsed, data));
}

TEST_CASE("a classifier of several logits fits the classes' frequencies", "[fit][expression]") {
    // Three overlapping clouds around (-1, 0), (1, 0) and (0, 1.5), 40, 70 and 90 rows.
    std::mt19937_64 random(2);
    std::normal_distribution<double> spread(0.0, 1.0);
    const double centers[3][2] = {{-1, 0}, {1, 0}, {0, 1.5}};
    const std::size_t sizes[3] = {40, 70, 90};
    Dataset data;
    data.names = {"u", "v", "label"};
    data.columns.resize(3);
    for (std::size_t k = 0; k < 3; ++k)
        for (std::size_t r = 0; r < sizes[k]; ++r) {
            data.columns[0].push_back(centers[k][0] + spread(random));
            data.columns[1].push_back(centers[k][1] + spread(random));
            data.columns[2].push_back(static_cast<double>(k) + 1.0);  // classes 1, 2, 3
        }

    // Multinomial logistic regression: z_k = w_k·(u, v) + b_k.
    ExprContext ctx;
    const Expr u = ctx.variable("u"), v = ctx.variable("v");
    std::vector<Expr> logits;
    for (int k = 0; k < 3; ++k) {
        // One statement per variable: the order of creation is the order of the parameters.
        const std::string n = std::to_string(k);
        const Expr wu = ctx.variable("wu" + n), wv = ctx.variable("wv" + n), b = ctx.variable("b" + n);
        const Expr su = ctx.mul(wu, u);
        logits.push_back(ctx.add(ctx.add(su, ctx.mul(wv, v)), b));
    }
    const std::vector<double> classes = {1, 2, 3};
    FitOptions options;
    options.target = "label";
    options.loss = Loss::named("xent");
    options.epochs = 500;
    options.tolerance = 0.0;  // stop on the gradient alone, which the check below reads
    const FitResult result = fit(ctx, logits, classes, data, options);
    REQUIRE(result.stop == FitStop::Tolerance);
    CHECK(result.names.data == std::vector<std::string>{"u", "v"});
    CHECK(result.names.params == std::vector<std::string>{"wu0", "wv0", "b0", "wu1", "wv1", "b1", "wu2", "wv2", "b2"});

    // At the maximum of the likelihood the loss's partials by the intercepts vanish:
    // Σ_rows (softmax_k − [label = class k]) = 0, so the mean probability of each class
    // is its frequency in the data.
    const std::size_t rows = data.rows();
    double mean[3] = {0, 0, 0};
    for (std::size_t r = 0; r < rows; ++r) {
        double z[3], total = 0;
        for (std::size_t k = 0; k < 3; ++k) {
            z[k] = result.param("wu" + std::to_string(k)) * data.columns[0][r] +
                   result.param("wv" + std::to_string(k)) * data.columns[1][r] + result.param("b" + std::to_string(k));
        }
        const double top = std::max({z[0], z[1], z[2]});
        for (double& e : z) total += (e = std::exp(e - top));
        for (std::size_t k = 0; k < 3; ++k) mean[k] += z[k] / total / static_cast<double>(rows);
    }
    for (std::size_t k = 0; k < 3; ++k)
        CHECK(mean[k] == Approx(static_cast<double>(sizes[k]) / static_cast<double>(rows)).margin(1e-6));

    SECTION("a target outside the classes, another loss, or a logit count that differs is refused") {
        const std::vector<double> two = {1, 2};
        CHECK_THROWS_WITH(fit(ctx, std::span(logits).first(2), two, data, options),
                          Catch::Contains("none of the classifier's classes"));
        CHECK_THROWS_WITH(fit(ctx, logits, two, data, options), Catch::Contains("one logit per class"));
        options.loss = Loss::named("mse");
        CHECK_THROWS_WITH(fit(ctx, logits, classes, data, options), Catch::Contains("xent"));
    }
}
