// fit() against answers found without it: least squares by the normal equations,
// logistic regression by its zero gradient, and mini-batch gradient descent by a loop
// written out here from the documented update.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gradc/fit.hpp"

using namespace gradc;

namespace {

Dataset table(std::vector<std::string> names, std::vector<std::vector<double>> columns) {
    Dataset d;
    d.names = std::move(names);
    d.columns = std::move(columns);
    return d;
}

// y = 3x - 2 plus seeded noise in [-0.1, 0.1], x in [-2, 2].
Dataset noisy_line(std::size_t rows) {
    std::mt19937_64 random(7);
    std::vector<double> x(rows), y(rows);
    for (std::size_t r = 0; r < rows; ++r) {
        x[r] = -2.0 + 4.0 * static_cast<double>(random() % 10000) / 10000.0;
        const double noise = 0.2 * (static_cast<double>(random() % 10000) / 10000.0 - 0.5);
        y[r] = 3.0 * x[r] - 2.0 + noise;
    }
    return table({"x", "y"}, {x, y});
}

// The least-squares line through the data, from the 2x2 normal equations.
std::pair<double, double> least_squares(const Dataset& d) {
    const auto& x = d.columns[0];
    const auto& y = d.columns[1];
    const double n = static_cast<double>(x.size());
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (std::size_t r = 0; r < x.size(); ++r) {
        sx += x[r];
        sy += y[r];
        sxx += x[r] * x[r];
        sxy += x[r] * y[r];
    }
    const double w = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    return {w, (sy - w * sx) / n};
}

}  // namespace

TEST_CASE("linear regression reaches the least-squares line", "[fit][regression]") {
    const Dataset data = noisy_line(200);
    const auto [w, b] = least_squares(data);
    CHECK(w == Approx(3.0).margin(0.02));  // the noise is small: the line is near 3x - 2

    FitOptions options;
    options.target = "y";
    SECTION("L-BFGS on the full batch") {
        const FitResult r = fit("w*x + b", data, options);
        CHECK(r.stop == FitStop::Tolerance);
        CHECK(r.param("w") == Approx(w).margin(1e-9));
        CHECK(r.param("b") == Approx(b).margin(1e-9));
    }
    SECTION("Adam on shuffled mini-batches") {
        options.method = Method::Adam;
        options.learning_rate = 0.01;
        options.batch_size = 16;
        options.epochs = 300;
        const FitResult r = fit("w*x + b", data, options);
        CHECK(r.stop == FitStop::MaxEpochs);
        CHECK(r.epochs == 300);
        CHECK(r.history.size() == 300);
        // Mini-batch noise keeps Adam near, not at, the minimum.
        CHECK(r.param("w") == Approx(w).margin(5e-3));
        CHECK(r.param("b") == Approx(b).margin(5e-3));
    }
    SECTION("standardized data predicts in the original units") {
        options.standardize = true;
        const FitResult r = fit("w*x + b", data, options);
        REQUIRE(r.standardization);
        const Dataset at = table({"x"}, {{0.0, 10.0}});
        const std::vector<double> p = predict(r, at);
        CHECK(p[0] == Approx(b).margin(1e-8));
        CHECK(p[1] == Approx(10 * w + b).margin(1e-8));
    }
}

TEST_CASE("logistic regression with bce reaches a zero gradient", "[fit][regression]") {
    // Labels from a noisy threshold at x = 0.5: the classes overlap, so the optimum is finite.
    std::mt19937_64 random(11);
    std::vector<double> x(300), y(300);
    for (std::size_t r = 0; r < x.size(); ++r) {
        x[r] = -3.0 + 6.0 * static_cast<double>(random() % 10000) / 10000.0;
        const double noise = 2.0 * (static_cast<double>(random() % 10000) / 10000.0 - 0.5);
        y[r] = x[r] + noise > 0.5 ? 1.0 : 0.0;
    }
    const Dataset data = table({"x", "y"}, {x, y});
    FitOptions options;
    options.target = "y";
    options.loss = Loss::named("bce");
    const FitResult r = fit("w*x + b", data, options);
    const double w = r.param("w"), b = r.param("b");
    // The gradient of the mean cross-entropy, written out: mean (sigmoid(z) - y)·(x, 1).
    double gw = 0, gb = 0, loss = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double z = w * x[i] + b;
        const double s = 1.0 / (1.0 + std::exp(-z));
        gw += (s - y[i]) * x[i];
        gb += s - y[i];
        loss -= y[i] * std::log(s) + (1 - y[i]) * std::log(1 - s);
    }
    const double n = static_cast<double>(x.size());
    CHECK(std::fabs(gw / n) < 1e-7);
    CHECK(std::fabs(gb / n) < 1e-7);
    CHECK(r.loss == Approx(loss / n).epsilon(1e-12));
    CHECK(w > 0);
    CHECK(-b / w == Approx(0.5).margin(0.3));  // the boundary sits near the threshold
}

TEST_CASE("mini-batch gradient descent follows the documented update exactly", "[fit][batches]") {
    // Small integers and a learning rate of 1/64: every number stays a short binary
    // fraction, so any order of summation gives the same bits.
    const std::vector<double> x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    const std::vector<double> y = {1, 3, 4, 8, 9, 11, 14, 15, 17, 20};
    const double lr = 1.0 / 64;
    const std::size_t batch = 4;  // batches of 4, 4 and 2 rows

    double w = 0, b = 0;  // zeros start
    for (int epoch = 0; epoch < 2; ++epoch)
        for (std::size_t start = 0; start < x.size(); start += batch) {
            const std::size_t end = std::min(start + batch, x.size());
            double gw = 0, gb = 0;
            for (std::size_t r = start; r < end; ++r) {
                const double d = w * x[r] + b - y[r];  // d/dw (p - y)^2 = 2(p - y)x
                gw += 2 * d * x[r];
                gb += 2 * d;
            }
            const double rows = static_cast<double>(end - start);
            w -= lr * (gw / rows);
            b -= lr * (gb / rows);
        }

    FitOptions options;
    options.target = "y";
    options.method = Method::GradientDescent;
    options.learning_rate = lr;
    options.batch_size = batch;
    options.shuffle = false;
    options.epochs = 2;
    const FitResult r = fit("w*x + b", table({"x", "y"}, {x, y}), options);
    CHECK(r.epochs == 2);
    CHECK(r.param("w") == w);
    CHECK(r.param("b") == b);
}

namespace {

// The documented shuffle, written out here: Fisher-Yates on std::mt19937_64(seed),
// swapping positions i - 1 and random() % i for i = n down to 2.
std::vector<std::size_t> fisher_yates(std::size_t n, std::uint64_t seed) {
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::mt19937_64 random(seed);
    for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[random() % i]);
    return order;
}

}  // namespace

TEST_CASE("shuffled mini-batches with a validation split follow the documented order exactly", "[fit][batches]") {
    // As above, short binary fractions: batches of 4 of the 8 training rows divide exactly.
    const std::vector<double> x = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    const std::vector<double> y = {1, 3, 4, 8, 9, 11, 14, 15, 17, 20};
    const double lr = 1.0 / 64;
    const std::uint64_t seed = 5;
    // The split: all rows shuffled with `seed`, the last round(0.2 * 10) held out.
    const std::vector<std::size_t> all = fisher_yates(x.size(), seed);
    const std::vector<std::size_t> train(all.begin(), all.end() - 2), held(all.end() - 2, all.end());

    double w = 0, b = 0;
    std::vector<std::vector<std::size_t>> visited;
    for (std::uint64_t epoch = 1; epoch <= 2; ++epoch) {
        std::vector<std::size_t> rows;
        for (std::size_t k : fisher_yates(train.size(), seed + epoch)) rows.push_back(train[k]);
        visited.push_back(rows);
        for (std::size_t start = 0; start < rows.size(); start += 4) {
            double gw = 0, gb = 0;
            for (std::size_t i = start; i < start + 4; ++i) {
                const double d = w * x[rows[i]] + b - y[rows[i]];
                gw += 2 * d * x[rows[i]];
                gb += 2 * d;
            }
            w -= lr * (gw / 4);
            b -= lr * (gb / 4);
        }
    }
    // Two epochs of one order each would be another run: the orders differ.
    REQUIRE(visited[0] != visited[1]);

    FitOptions options;
    options.target = "y";
    options.method = Method::GradientDescent;
    options.learning_rate = lr;
    options.batch_size = 4;
    options.epochs = 2;
    options.seed = seed;
    options.validation = 0.2;
    const FitResult r = fit("w*x + b", table({"x", "y"}, {x, y}), options);
    CHECK(r.epochs == 2);
    CHECK(r.param("w") == w);
    CHECK(r.param("b") == b);
    // fit_row_order() says the same.
    const FitRowOrder order = fit_row_order(x.size(), options);
    CHECK(order.validation == held);
    CHECK(order.epochs == visited);
    // Without validation the training rows are the file's rows, shuffled per epoch; in
    // full batches and with --no-shuffle they stay as they are.
    options.validation = 0;
    CHECK(fit_row_order(x.size(), options).epochs[1] == fisher_yates(x.size(), seed + 2));
    options.shuffle = false;
    CHECK(fit_row_order(x.size(), options).epochs[0] == std::vector<std::size_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
}

TEST_CASE("the gradient of a batch is its mean: B rows step as one row", "[fit][batches]") {
    FitOptions options;
    options.target = "y";
    options.method = Method::GradientDescent;
    options.learning_rate = 0.125;
    options.epochs = 1;
    const FitResult one = fit("w*x + b", table({"x", "y"}, {{1.5}, {2.0}}), options);
    const FitResult four = fit("w*x + b", table({"x", "y"}, {{1.5, 1.5, 1.5, 1.5}, {2.0, 2.0, 2.0, 2.0}}), options);
    // From zeros: g = 2(0 - 2)·(1.5, 1) = (-6, -4), so one step of 1/8 gives (0.75, 0.5).
    CHECK(one.param("w") == 0.75);
    CHECK(one.param("b") == 0.5);
    CHECK(four.param("w") == 0.75);
    CHECK(four.param("b") == 0.5);
}

TEST_CASE("a learning rate far too large stops with the last good parameters", "[fit][divergence]") {
    FitOptions options;
    options.target = "y";
    options.method = Method::GradientDescent;
    options.learning_rate = 1e3;
    options.epochs = 1000;
    const FitResult r = fit("w*x + b", noisy_line(50), options);
    CHECK(r.stop == FitStop::Diverged);
    CHECK_THAT(r.message, Catch::Contains("the learning rate 1000 is too large: try a smaller one"));
    CHECK(r.epochs < 1000);
    CHECK(std::isfinite(r.param("w")));
    CHECK(std::isfinite(r.param("b")));
    CHECK(std::isfinite(r.loss));
}

TEST_CASE("early stopping keeps the parameters with the lowest validation loss", "[fit][validation]") {
    // Gradient descent with a step near 2/L overshoots, so the iterates swing from one
    // side of the training optimum to the other, and the held-out loss is not monotone.
    const Dataset data = noisy_line(60);
    FitOptions options;
    options.target = "y";
    options.method = Method::GradientDescent;
    options.learning_rate = 0.7;
    options.epochs = 500;
    options.validation = 0.25;
    options.patience = 5;
    options.seed = 3;
    const FitResult r = fit("w*x + b", data, options);
    REQUIRE(r.stop == FitStop::EarlyStopping);
    std::size_t best = 0;
    for (std::size_t k = 1; k < r.history.size(); ++k)
        if (r.history[k].val_loss < r.history[best].val_loss) best = k;
    CHECK(r.epochs == best + 1 + options.patience);
    CHECK(r.val_loss == r.history[best].val_loss);
    // The kept parameters give that loss on the held-out rows, recomputed here.
    const Split split = split_rows(data, options.validation, options.seed);
    const std::vector<double> p = predict(r, split.validation);
    double loss = 0;
    for (std::size_t i = 0; i < p.size(); ++i)
        loss += (p[i] - split.validation.columns[1][i]) * (p[i] - split.validation.columns[1][i]);
    CHECK(loss / static_cast<double>(p.size()) == Approx(r.val_loss).epsilon(1e-12));
}

TEST_CASE("regularization adds its penalty to the mean loss", "[fit][regression]") {
    // One row x = 1, y = 2: the ridge loss (w - 2)^2 + l2·w² is lowest at w = 2 / (1 + l2).
    FitOptions options;
    options.target = "y";
    options.l2 = 0.5;
    const FitResult r = fit("w*x", table({"x", "y"}, {{1.0}, {2.0}}), options);
    CHECK(r.param("w") == Approx(2.0 / 1.5).epsilon(1e-9));
    // Lasso: (w - 2)^2 + l1·|w| is lowest at w = 2 - l1/2.
    options.l2 = 0;
    options.l1 = 1.0;
    options.method = Method::GradientDescent;
    options.learning_rate = 0.1;
    options.epochs = 300;
    const FitResult lasso = fit("w*x", table({"x", "y"}, {{1.0}, {2.0}}), options);
    CHECK(lasso.param("w") == Approx(1.5).epsilon(1e-9));
}

TEST_CASE("fit refuses a target it cannot use and a model without parameters", "[fit][errors]") {
    const Dataset data = table({"x", "y"}, {{1.0}, {2.0}});
    FitOptions options;
    options.target = "z";
    CHECK_THROWS_WITH(fit("w*x", data, options), "there is no column 'z' to predict; the columns are x, y");
    options.target = "y";
    CHECK_THROWS_WITH(fit("x + 1", data, options), Catch::Contains("the model has no parameters to fit"));
    CHECK_THROWS_WITH(fit("w*x + y", data, options), Catch::Contains("the model uses the target column 'y'"));
    options.initial = {{"v", 1.0}};
    CHECK_THROWS_WITH(fit("w*x", data, options), Catch::Contains("'v' has a starting value but is not a parameter"));
}
