// Model files: fitted formulas and networks survive save and load bit for bit and
// predict the same afterwards; hand-written files mean what docs/training.md says
// (a known XOR network, a standardized line); the layout of a written file.
// Malformed files are in model_file_errors_test.cpp.
#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/model_file.hpp"
#include "model_file_examples.hpp"

using namespace gradc;
using gradc::testing::kLineModel;
using gradc::testing::kXorModel;
using gradc::testing::with;

namespace {

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
    return true;
}

bool same_standardization(const std::optional<Standardization>& a, const std::optional<Standardization>& b) {
    if (a.has_value() != b.has_value()) return false;
    return !a || (a->columns == b->columns && same_bits(a->mean, b->mean) && same_bits(a->scale, b->scale));
}

// Every field a model file holds, compared exactly.
void check_same(const SavedModel& a, const SavedModel& b) {
    CHECK(a.target == b.target);
    CHECK(a.loss.kind == b.loss.kind);
    CHECK(a.loss.formula == b.loss.formula);
    REQUIRE(a.is_network() == b.is_network());
    if (a.is_network()) {
        const auto& x = std::get<nn::MlpModel>(a.model);
        const auto& y = std::get<nn::MlpModel>(b.model);
        CHECK(x.spec.describe() == y.spec.describe());
        CHECK(x.spec.activation == y.spec.activation);
        CHECK(x.inputs == y.inputs);
        CHECK(same_bits(x.classes, y.classes));
        CHECK(same_bits(x.params, y.params));
        CHECK(same_standardization(x.standardization, y.standardization));
    } else {
        const auto& x = std::get<FitResult>(a.model);
        const auto& y = std::get<FitResult>(b.model);
        CHECK(x.model == y.model);
        CHECK(x.names.data == y.names.data);
        CHECK(x.names.params == y.names.params);
        CHECK(same_bits(x.params, y.params));
        CHECK(same_standardization(x.standardization, y.standardization));
    }
}

SavedModel round_trip(const SavedModel& model) {
    const std::string text = model_json(model);
    SavedModel back = read_model(text);
    check_same(model, back);
    CHECK(model_json(back) == text);
    return back;
}

// y = 1.5x − 2 sin(z) + 0.25 with a little noise, so the fitted numbers use all their digits.
Dataset wave() {
    Dataset d;
    d.names = {"x", "z", "y"};
    d.columns.assign(3, {});
    for (int k = 0; k < 40; ++k) {
        const double x = 0.37 * k, z = std::cos(1.3 * k);
        d.columns[0].push_back(x);
        d.columns[1].push_back(z);
        d.columns[2].push_back(1.5 * x - 2 * std::sin(z) + 0.25 + 0.01 * std::sin(7.0 * k));
    }
    return d;
}

Dataset xor_table() {
    Dataset d;
    d.names = {"a", "b", "y"};
    d.columns = {{0, 0, 1, 1}, {0, 1, 0, 1}, {0, 1, 1, 0}};
    return d;
}

FitResult formula_model(std::string formula, ModelNames names, std::vector<double> params) {
    FitResult r;
    r.model = std::move(formula);
    r.names = std::move(names);
    r.params = std::move(params);
    return r;
}

}  // namespace

TEST_CASE("a fitted formula loads with the same parameters and predictions", "[model_file]") {
    const Dataset data = wave();
    FitOptions options;
    options.target = "y";
    options.standardize = true;
    const FitResult fitted = fit("a*x + b*sin(z) + c", data, options);
    REQUIRE(fitted.stop == FitStop::Tolerance);
    const SavedModel back = round_trip(saved_model(fitted, options));
    CHECK_FALSE(back.is_classifier());
    CHECK(back.inputs() == std::vector<std::string>{"x", "z"});
    CHECK(same_bits(predict(back, data), predict(fitted, data)));
}

TEST_CASE("numbers keep every bit through a model file", "[model_file]") {
    // Shortest forms of every kind: subnormal, the extremes, -0, integers past 2^53,
    // and values that need all 17 digits.
    const std::vector<double> awkward = {0.1,
                                         -0.0,
                                         5e-324,
                                         1.7976931348623157e308,
                                         2.2250738585072014e-308,
                                         1.0 / 3,
                                         1e21,
                                         1e19,
                                         123456789012345680000.0,
                                         -1e-7,
                                         0.30000000000000004,
                                         9007199254740993.0};
    std::string formula = "x";
    ModelNames names{{"x"}, {}};
    for (std::size_t i = 0; i < awkward.size(); ++i) {
        names.params.push_back("p" + std::to_string(i));
        formula += " + p" + std::to_string(i);
    }
    const SavedModel back =
        round_trip(SavedModel{"y", Loss::named("(p - y)^4"), formula_model(formula, names, awkward)});
    CHECK(std::signbit(std::get<FitResult>(back.model).params[1]));

    // Random bit patterns as the weights of a network, and its standardization.
    std::mt19937_64 random(7);
    auto finite_double = [&] {
        for (;;) {
            const double v = std::bit_cast<double>(random());
            if (std::isfinite(v) && v != 0) return v;
        }
    };
    nn::MlpModel net;
    net.spec = nn::Mlp{3, {16, 8}, 1, nn::Activation::Softplus};
    net.inputs = {"u", "v", "w"};
    for (std::size_t i = 0; i < net.spec.param_count(); ++i) net.params.push_back(finite_double());
    net.standardization = Standardization{{0, 1, 2},
                                          {finite_double(), finite_double(), finite_double()},
                                          {finite_double(), finite_double(), finite_double()}};
    round_trip(SavedModel{"t", Loss::named("huber"), net});
}

TEST_CASE("a fitted classifier network loads and predicts the same classes and probabilities", "[model_file][nn]") {
    nn::MlpOptions mlp;
    mlp.hidden = {4};
    mlp.activation = nn::Activation::Tanh;
    FitOptions options;
    options.target = "y";
    options.loss = Loss::named("xent");
    options.epochs = 200;
    options.seed = 3;
    options.standardize = true;
    const nn::MlpFitResult fitted = nn::fit_mlp(xor_table(), mlp, options);
    REQUIRE(fitted.accuracy == 1.0);
    const SavedModel back = round_trip(saved_model(fitted, options));
    CHECK(back.is_classifier());
    CHECK(back.classes() == std::vector<double>{0, 1});
    CHECK(predict(back, xor_table()) == std::vector<double>{0, 1, 1, 0});
    const auto before = nn::predict_probabilities(fitted.model, xor_table());
    const auto after = predict_probabilities(back, xor_table());
    REQUIRE(after.size() == 2);
    CHECK(same_bits(after[0], before[0]));
    CHECK(same_bits(after[1], before[1]));
}

TEST_CASE("a fitted regression network loads and predicts the same outputs", "[model_file][nn]") {
    nn::MlpOptions mlp;
    mlp.hidden = {5, 3};
    FitOptions options;
    options.target = "y";
    options.epochs = 30;
    const Dataset data = wave();
    const nn::MlpFitResult fitted = nn::fit_mlp(data, mlp, options);
    const SavedModel back = round_trip(saved_model(fitted, options));
    CHECK_FALSE(back.is_classifier());
    CHECK(back.classes().empty());
    CHECK(same_bits(predict(back, data), nn::predict_outputs(fitted.model, data)[0]));
    CHECK_THROWS_WITH(predict_probabilities(back, data), Catch::StartsWith("probabilities need a classifier"));
}

TEST_CASE("a formula fitted with bce predicts class 1 exactly when its logit is positive", "[model_file]") {
    Dataset exam;
    exam.names = {"hours", "passed"};
    exam.columns = {{0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5}, {0, 0, 0, 1, 0, 1, 0, 1, 1, 1}};
    FitOptions options;
    options.target = "passed";
    options.loss = Loss::named("bce");
    const FitResult fitted = fit("w*hours + b", exam, options);
    const SavedModel back = round_trip(saved_model(fitted, options));
    REQUIRE(back.is_classifier());
    CHECK(back.classes() == std::vector<double>{0, 1});
    const std::vector<double> logits = predict(fitted, exam);
    const std::vector<double> classes = predict(back, exam);
    const auto prob = predict_probabilities(back, exam);
    for (std::size_t r = 0; r < logits.size(); ++r) {
        INFO("row " << r << ", logit " << logits[r]);
        CHECK(classes[r] == (logits[r] > 0 ? 1.0 : 0.0));
        CHECK(prob[1][r] == Approx(1 / (1 + std::exp(-logits[r]))).epsilon(1e-15));
        CHECK(prob[0][r] + prob[1][r] == Approx(1.0).epsilon(1e-15));
    }
    CHECK(classes.front() == 0.0);
    CHECK(classes.back() == 1.0);
}

TEST_CASE("a hand-written network means what the format says: weights by unit, then biases", "[model_file][nn]") {
    const SavedModel model = read_model(kXorModel);
    CHECK(std::get<nn::MlpModel>(model.model).spec.describe() == "2-2-2 relu");
    CHECK(predict(model, xor_table()) == std::vector<double>{0, 1, 1, 0});
    const auto prob = predict_probabilities(model, xor_table());
    const double z1[4] = {-2, 2, 2, -2};
    for (std::size_t r = 0; r < 4; ++r) CHECK(prob[1][r] == Approx(1 / (1 + std::exp(-z1[r]))).epsilon(1e-12));
}

TEST_CASE("a hand-written formula's standardization maps x to (x - mean) / scale", "[model_file]") {
    // Parameters go by name, in any order.
    const SavedModel model = read_model(with(kLineModel, "{\"w\": 2, \"b\": -1}", "{\"b\": -1, \"w\": 2}"));
    Dataset data;
    data.names = {"other", "x"};
    data.columns = {{9, 9, 9}, {0, 1, 3}};
    CHECK(predict(model, data) == std::vector<double>{-1.5, -0.5, 1.5});
    CHECK(std::get<FitResult>(model.model).names.params == std::vector<std::string>{"w", "b"});
}

TEST_CASE("a model file is laid out as documented", "[model_file]") {
    FitResult line = formula_model("w*x + b", {{"x"}, {"w", "b"}}, {2, -1});
    line.standardization = Standardization{{0}, {0.5}, {2}};
    CHECK(model_json(SavedModel{"y", Loss::named("mse"), line}) == kLineModel);
    nn::MlpModel net;
    net.spec = nn::Mlp{1, {}, 2, nn::Activation::Tanh};
    net.inputs = {"x"};
    net.params = {0.5, -0.5, 1, -1};
    net.classes = {3, 7};
    CHECK(model_json(SavedModel{"c", Loss::named("xent"), net}) == R"({
  "format": "gradc-model",
  "version": 1,
  "kind": "network",
  "target": "c",
  "loss": "xent",
  "inputs": ["x"],
  "activation": "tanh",
  "layers": [
    {"weights": [[0.5], [-0.5]], "biases": [1, -1]}
  ],
  "classes": [3, 7]
}
)");
}

TEST_CASE("a model that JSON cannot hold is refused when saved", "[model_file]") {
    const auto message = [](const SavedModel& m) {
        try {
            model_json(m);
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("(saved)");
    };
    SavedModel model{"y", Loss::named("mse"), formula_model("w*x + b", {{"x"}, {"w", "b"}}, {NAN, 1})};
    CHECK(message(model) == "cannot save the model: params.w is nan, and a model file holds finite numbers only");
    std::get<FitResult>(model.model).params = {1, 1};
    std::get<FitResult>(model.model).standardization = Standardization{{0}, {INFINITY}, {1}};
    CHECK(message(model) ==
          "cannot save the model: standardization.mean[0] is inf, and a model file holds finite numbers only");
    std::get<FitResult>(model.model).standardization = Standardization{{1}, {0}, {1}};
    CHECK(message(model) ==
          "cannot save the model: its standardization must cover every input, in order, as fit() makes it");
    std::get<FitResult>(model.model).standardization.reset();
    model.target = "\xff";
    CHECK(message(model) == "cannot save the model: a name in it is not valid UTF-8, which JSON requires");
    model.target = "y";
    CHECK_THROWS_WITH(save_model("/nonexistent-folder/model.json", model),
                      "cannot write the model to '/nonexistent-folder/model.json': check that its folder exists");
}

TEST_CASE("predictions need the model's columns", "[model_file]") {
    const SavedModel model{"y", Loss::named("mse"), formula_model("w*x + b", {{"x"}, {"w", "b"}}, {2, -1})};
    Dataset data;
    data.names = {"a", "b"};
    data.columns = {{1}, {2}};
    CHECK_THROWS_WITH(predict(model, data), "the data has no column 'x', which the model reads; its columns are a, b");
}

TEST_CASE("the model files in the docs load and are in the layout gradc writes", "[model_file][docs]") {
    const auto text_of = [](const std::string& relative) {
        std::ifstream in(GRADC_SOURCE_DIR "/" + relative);
        std::ostringstream s;
        s << in.rdbuf();
        return s.str();
    };
    const std::string page = text_of("docs/training.md");
    int blocks = 0;
    for (std::size_t at = page.find("```json\n"); at != std::string::npos; at = page.find("```json\n", at)) {
        at += 8;
        const std::string block = page.substr(at, page.find("```", at) - at);
        INFO(block);
        CHECK(model_json(read_model(block)) == block);
        ++blocks;
    }
    CHECK(blocks == 2);
    // The page shows docs/data/xor_model.json as it is.
    CHECK(text_of("docs/data/xor_model.json") == kXorModel);
    CHECK(page.find(kXorModel) != std::string::npos);
    for (const char* file : {"docs/data/xor_model.json", "docs/data/exam_model.json"})
        CHECK(model_json(load_model(GRADC_SOURCE_DIR "/" + std::string(file))) == text_of(file));
}
