// explain(): attributions against closed forms (a linear model), completeness (exact for
// relu networks, within the tolerance for tanh ones), the symbolic gradient, and the
// exact method against a fine midpoint rule of saliencies along the path.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "gradc/autodiff.hpp"
#include "gradc/eval.hpp"
#include "gradc/explain.hpp"
#include "gradc/parse.hpp"

using namespace gradc;

namespace {

// A formula model as fit() leaves it: its text, names and fitted parameters.
SavedModel formula_model(const std::string& text, std::vector<std::string> data, std::vector<std::string> params,
                         std::vector<double> values, LossKind loss = LossKind::Mse) {
    FitResult r;
    r.model = text;
    r.names = {std::move(data), std::move(params)};
    r.params = std::move(values);
    return SavedModel{"t", Loss{loss, {}}, r};
}

// A network with He-initialized weights and biases drawn too, so that units switch on
// and off between rows.
SavedModel network(std::size_t inputs, std::vector<std::size_t> hidden, std::size_t outputs, nn::Activation a,
                   std::uint64_t seed) {
    nn::MlpModel m;
    m.spec = nn::Mlp{inputs, std::move(hidden), outputs, a};
    for (std::size_t i = 0; i < inputs; ++i) m.inputs.push_back("x" + std::to_string(i));
    if (outputs > 1)
        for (std::size_t k = 0; k < outputs; ++k) m.classes.push_back(static_cast<double>(k));
    m.params = nn::initial_params(m.spec, nn::Init::He, seed);
    std::mt19937_64 random(seed + 1);
    std::normal_distribution<double> normal(0.0, 0.3);
    for (double& p : m.params) p += normal(random);
    return SavedModel{"y", Loss{outputs > 1 ? LossKind::CrossEntropy : LossKind::Mse, {}}, m};
}

Dataset random_rows(const std::vector<std::string>& names, std::size_t rows, std::uint64_t seed) {
    std::mt19937_64 random(seed);
    std::uniform_real_distribution<double> uniform(-2.0, 2.0);
    Dataset d;
    d.names = names;
    for (std::size_t i = 0; i < names.size(); ++i) {
        auto& column = d.columns.emplace_back(rows);
        for (double& v : column) v = uniform(random);
    }
    return d;
}

double total(const Attributions& a, std::size_t r) {
    double sum = 0.0;
    for (const auto& column : a.values) sum += column[r];
    return sum;
}

}  // namespace

TEST_CASE("a linear model's integrated gradients are w_i (x_i - b_i) and its saliency the weights",
          "[explain][linear]") {
    const SavedModel model = formula_model("a*x + b*y + c", {"x", "y"}, {"a", "b", "c"}, {2.5, -0.75, 4.0});
    const Dataset rows = random_rows({"x", "y"}, 37, 1);
    ExplainOptions o;
    o.method = AttributionMethod::Saliency;
    const Attributions saliency = explain(model, rows, o);
    for (std::size_t r = 0; r < 37; ++r) {
        CHECK(saliency.values[0][r] == 2.5);
        CHECK(saliency.values[1][r] == -0.75);
    }
    o.method = AttributionMethod::IntegratedGradients;
    o.baseline = {0.5, -1.0};
    const Attributions ig = explain(model, rows, o);
    CHECK_FALSE(ig.exact);  // a formula: quadrature, of a constant gradient
    for (std::size_t r = 0; r < 37; ++r) {
        CHECK(ig.values[0][r] == Approx(2.5 * (rows.columns[0][r] - 0.5)).epsilon(1e-15).margin(1e-15));
        CHECK(ig.values[1][r] == Approx(-0.75 * (rows.columns[1][r] + 1.0)).epsilon(1e-15).margin(1e-15));
        CHECK(ig.steps[r] == 16);
        CHECK(std::abs(ig.gap[r]) <= 1e-14 * std::abs(ig.output[r] - ig.baseline_output[r]) + 1e-15);
    }
}

TEST_CASE("attributions are in the data's units through standardization", "[explain][standardize]") {
    SavedModel model = formula_model("a*x + b*y", {"x", "y"}, {"a", "b"}, {3.0, 2.0});
    std::get<FitResult>(model.model).standardization = Standardization{{0, 1}, {1.0, -2.0}, {4.0, 0.5}};
    const Dataset rows = random_rows({"x", "y"}, 9, 2);
    ExplainOptions o;
    o.method = AttributionMethod::Saliency;
    const Attributions s = explain(model, rows, o);
    CHECK(s.values[0][3] == Approx(3.0 / 4.0).epsilon(1e-15));
    CHECK(s.values[1][3] == Approx(2.0 / 0.5).epsilon(1e-15));
    o.method = AttributionMethod::GradientXInput;
    const Attributions gx = explain(model, rows, o);
    CHECK(gx.values[0][3] == Approx(rows.columns[0][3] * 3.0 / 4.0).epsilon(1e-15));
    o.method = AttributionMethod::IntegratedGradients;
    o.baseline = {1.0, -2.0};  // the means: f(b) = 0
    const Attributions ig = explain(model, rows, o);
    CHECK(ig.baseline_output[0] == 0.0);
    CHECK(ig.values[1][3] == Approx(2.0 * (rows.columns[1][3] + 2.0) / 0.5).epsilon(1e-14));
}

TEST_CASE("saliency is the formula's gradient at the row", "[explain][saliency]") {
    const std::string text = "a*sin(x)*y + b*exp(-x^2) + log1p(y^2)";
    const SavedModel model = formula_model(text, {"x", "y"}, {"a", "b"}, {1.5, -2.0});
    const Dataset rows = random_rows({"x", "y"}, 21, 3);
    ExplainOptions o;
    o.method = AttributionMethod::Saliency;
    const Attributions s = explain(model, rows, o);
    ExprContext ctx;
    const Program p = parse(ctx, text);
    const std::vector<Expr> wrt{ctx.variable("x"), ctx.variable("y")};
    const std::vector<Expr> all{ctx.variable("x"), ctx.variable("y"), ctx.variable("a"), ctx.variable("b")};
    const std::vector<Expr> g = gradient(ctx, p.outputs[0], wrt);
    for (std::size_t r = 0; r < 21; ++r) {
        const std::vector<double> at{rows.columns[0][r], rows.columns[1][r], 1.5, -2.0};
        const std::vector<double> want = evaluate(g, all, at);
        CHECK(s.values[0][r] == Approx(want[0]).epsilon(1e-13).margin(1e-15));
        CHECK(s.values[1][r] == Approx(want[1]).epsilon(1e-13).margin(1e-15));
        CHECK(s.output[r] == Approx(evaluate(p.outputs[0], all, at)).epsilon(1e-14));
    }
}

TEST_CASE("integrated gradients of a relu network are exact: complete to rounding, and a fine midpoint rule agrees",
          "[explain][exact]") {
    const SavedModel model = network(5, {12, 8}, 3, nn::Activation::Relu, 4);
    const Dataset rows = random_rows(std::get<nn::MlpModel>(model.model).inputs, 40, 5);
    ExplainOptions o;
    o.method = AttributionMethod::IntegratedGradients;
    o.baseline = {0.3, -0.2, 0.1, 0.0, -0.4};
    const Attributions exact = explain(model, rows, o);
    REQUIRE(exact.exact);
    std::size_t changed = 0;
    for (std::size_t r = 0; r < 40; ++r) {
        const double change = exact.output[r] - exact.baseline_output[r];
        INFO("row " << r << ": f(x) - f(b) = " << change << ", gap " << exact.gap[r]);
        CHECK(std::abs(exact.gap[r]) <= 1e-12 * std::max(std::abs(change), 1e-300));
        CHECK(std::abs(total(exact, r) - change) <= 1e-12 * std::abs(change));
        changed += std::abs(change) > 1e-3;
    }
    CHECK(changed > 30);
    // An independent oracle: the midpoint rule on 20,000 equal steps of the path, from
    // saliencies (no kinks involved); its error is at most a jump times half a step per kink.
    const std::size_t steps = 20000;
    const std::vector<double>& b = o.baseline;
    for (const std::size_t r : {0, 7, 19, 33}) {
        Dataset path;
        path.names = rows.names;
        for (std::size_t i = 0; i < 5; ++i) {
            auto& column = path.columns.emplace_back(steps);
            for (std::size_t k = 0; k < steps; ++k)
                column[k] = b[i] + (static_cast<double>(k) + 0.5) / steps * (rows.columns[i][r] - b[i]);
        }
        ExplainOptions s;
        s.method = AttributionMethod::Saliency;
        s.target_class = exact.target_class[r];
        const Attributions along = explain(model, path, s);
        const double change = std::abs(exact.output[r] - exact.baseline_output[r]);
        for (std::size_t i = 0; i < 5; ++i) {
            double integral = 0.0;
            for (const double g : along.values[i]) integral += g / steps;
            INFO("row " << r << ", input " << i);
            CHECK(exact.values[i][r] == Approx(integral * (rows.columns[i][r] - b[i])).margin(1e-3 * change + 1e-9));
        }
    }
    o.exact = false;  // --quadrature
    CHECK_FALSE(explain(model, rows, o).exact);
}

TEST_CASE("a tanh network's integrated gradients are complete within the tolerance", "[explain][quadrature]") {
    const SavedModel model = network(4, {10}, 1, nn::Activation::Tanh, 6);
    const Dataset rows = random_rows(std::get<nn::MlpModel>(model.model).inputs, 30, 7);
    ExplainOptions o;
    o.method = AttributionMethod::IntegratedGradients;
    o.steps = 2;
    for (const double tolerance : {1e-3, 1e-8}) {
        o.tolerance = tolerance;
        const Attributions a = explain(model, rows, o);
        CHECK_FALSE(a.exact);
        double mean = 0.0;
        for (std::size_t r = 0; r < 30; ++r) mean += std::abs(a.output[r] - a.baseline_output[r]) / 30;
        std::size_t doubled = 0;
        for (std::size_t r = 0; r < 30; ++r) {
            const double change = std::abs(a.output[r] - a.baseline_output[r]);
            CHECK(std::abs(a.gap[r]) <= tolerance * std::max(change, 1e-3 * mean));
            CHECK(std::abs(total(a, r) - (a.output[r] - a.baseline_output[r]) - a.gap[r]) <= 1e-15 * (change + 1));
            doubled += a.steps[r] > 2;
        }
        CHECK(doubled > 0);  // two nodes were not enough somewhere: the steps were raised
    }
}

TEST_CASE("smoothgrad repeats for a seed, and without noise is the saliency", "[explain][smoothgrad]") {
    const SavedModel model = network(3, {6}, 1, nn::Activation::Tanh, 8);
    const Dataset rows = random_rows(std::get<nn::MlpModel>(model.model).inputs, 11, 9);
    ExplainOptions o;
    o.method = AttributionMethod::SmoothGrad;
    o.samples = 20;
    o.seed = 3;
    const Attributions a = explain(model, rows, o), b = explain(model, rows, o);
    CHECK(a.values == b.values);
    o.seed = 4;
    CHECK(explain(model, rows, o).values != a.values);
    o.noise = 0.0;
    const Attributions quiet = explain(model, rows, o);
    o.method = AttributionMethod::Saliency;
    const Attributions saliency = explain(model, rows, o);
    for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t r = 0; r < 11; ++r) CHECK(quiet.values[i][r] == Approx(saliency.values[i][r]).epsilon(1e-14));
}

TEST_CASE("a classifier explains each row's predicted class, or the class asked for", "[explain][classes]") {
    const SavedModel model = network(4, {8}, 3, nn::Activation::Relu, 10);
    const Dataset rows = random_rows(std::get<nn::MlpModel>(model.model).inputs, 25, 11);
    const std::vector<double> predicted = predict(model, rows);
    ExplainOptions o;
    const Attributions a = explain(model, rows, o);
    CHECK(a.target_class == predicted);
    const std::vector<std::vector<double>> logits = nn::predict_outputs(std::get<nn::MlpModel>(model.model), rows);
    for (std::size_t r = 0; r < 25; ++r)
        CHECK(a.output[r] == Approx(logits[static_cast<std::size_t>(predicted[r])][r]).epsilon(1e-15));
    o.target_class = 2.0;
    o.output = ExplainedOutput::Probability;
    const Attributions p = explain(model, rows, o);
    const std::vector<std::vector<double>> prob = predict_probabilities(model, rows);
    for (std::size_t r = 0; r < 25; ++r) {
        CHECK(p.target_class[r] == 2.0);
        CHECK(p.output[r] == Approx(prob[2][r]).epsilon(1e-13));
    }
}

TEST_CASE("explain refuses what it cannot do, saying what", "[explain][errors]") {
    const SavedModel regression = formula_model("a*x", {"x"}, {"a"}, {2.0});
    const SavedModel classifier = network(2, {3}, 2, nn::Activation::Relu, 12);
    const Dataset rows = random_rows({"x"}, 3, 13);
    ExplainOptions o;
    o.output = ExplainedOutput::Probability;
    CHECK_THROWS_WITH(explain(regression, rows, o), Catch::Contains("no probability to explain"));
    o = {};
    o.target_class = 1.0;
    CHECK_THROWS_WITH(explain(regression, rows, o), Catch::Contains("leave out --target-class"));
    o = {};
    o.method = AttributionMethod::IntegratedGradients;
    o.baseline = {1.0, 2.0};
    CHECK_THROWS_WITH(explain(regression, rows, o), Catch::Contains("the baseline has 2 values; the model reads 1"));
    o = {};
    CHECK_THROWS_AS(explain(classifier, rows, o), DataError);
    CHECK_THROWS_WITH(explain(classifier, rows, o), Catch::Contains("no column 'x0', which the model reads"));
    o.target_class = 7.0;
    CHECK_THROWS_WITH(explain(classifier, random_rows({"x0", "x1"}, 2, 1), o),
                      Catch::Contains("the model has no class 7"));
    o = {};
    o.steps = 0;
    CHECK_THROWS_WITH(explain(regression, rows, o), Catch::Contains("at least 1 step"));
    CHECK_THROWS_WITH(attribution_method_named("lime"), Catch::Contains("choose saliency, gradient-x-input"));
}
