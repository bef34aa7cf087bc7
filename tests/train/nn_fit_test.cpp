// fit_mlp() on problems with known answers: XOR (which no linear model separates) and
// the digits data on its fixed 80/20 split, with settings chosen on a validation part
// of the training rows (bench/mlp_digits_bench.cpp prints that choice).
#include <catch2/catch.hpp>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "gradc/nn.hpp"

using namespace gradc;

namespace {

Dataset xor_table() {
    Dataset d;
    d.names = {"a", "b", "y"};
    d.columns = {{0, 0, 1, 1}, {0, 1, 0, 1}, {0, 1, 1, 0}};
    return d;
}

}  // namespace

TEST_CASE("a 2-4-1 tanh network learns XOR", "[nn][fit]") {
    nn::MlpOptions net;
    net.hidden = {4};
    net.activation = nn::Activation::Tanh;
    FitOptions options;
    options.target = "y";
    options.method = Method::Adam;
    options.learning_rate = 0.05;
    options.epochs = 500;
    options.seed = 3;
    const nn::MlpFitResult result = nn::fit_mlp(xor_table(), net, options);
    CHECK(result.model.spec.describe() == "2-4-1 tanh");
    CHECK(result.fit.loss < 0.01);
    const std::vector<double> p = nn::predict_outputs(result.model, xor_table())[0];
    const double y[4] = {0, 1, 1, 0};
    for (std::size_t r = 0; r < 4; ++r) CHECK(std::fabs(p[r] - y[r]) < 0.5);
}

TEST_CASE("a 2-4-2 classifier learns XOR with softmax cross-entropy", "[nn][fit]") {
    nn::MlpOptions net;
    net.hidden = {4};
    net.activation = nn::Activation::Tanh;
    FitOptions options;
    options.target = "y";
    options.loss = Loss::named("xent");
    options.epochs = 200;  // L-BFGS on the full batch
    options.seed = 3;
    const nn::MlpFitResult result = nn::fit_mlp(xor_table(), net, options);
    CHECK(result.model.classes == std::vector<double>{0, 1});
    CHECK(result.accuracy == 1.0);
    CHECK(std::isnan(result.val_accuracy));
    CHECK(nn::predict_classes(result.model, xor_table()) == std::vector<double>{0, 1, 1, 0});
    const auto prob = nn::predict_probabilities(result.model, xor_table());
    for (std::size_t r = 0; r < 4; ++r) {
        CHECK(prob[0][r] + prob[1][r] == Approx(1.0));
        CHECK(prob[r == 1 || r == 2 ? 1 : 0][r] > 0.9);
    }
}

TEST_CASE("fit_mlp refuses a target that is not a set of integer classes, and unknown names", "[nn][fit]") {
    Dataset d = xor_table();
    nn::MlpOptions net;
    net.hidden = {2};
    FitOptions options;
    options.target = "y";
    options.loss = Loss::named("xent");
    d.columns[2][0] = 0.5;
    CHECK_THROWS_WITH(nn::fit_mlp(d, net, options), Catch::Contains("integer classes"));
    d.columns[2] = {1, 1, 1, 1};
    CHECK_THROWS_WITH(nn::fit_mlp(d, net, options), Catch::Contains("at least two classes"));
    options.target = "z";
    CHECK_THROWS_WITH(nn::fit_mlp(d, net, options), Catch::Contains("no column 'z'"));
    CHECK_THROWS_WITH(nn::activation_named("gelu"), Catch::Contains("choose relu"));
    ExprContext ctx;
    const Expr p = ctx.variable("p");
    CHECK_THROWS_WITH(row_loss(ctx, Loss::named("xent"), p, p), Catch::Contains("--mlp"));
}

TEST_CASE("a 64-64-10 relu network classifies the digits test part at 95 percent or better", "[nn][fit][digits]") {
    const std::string folder = std::string(GRADC_SOURCE_DIR) + "/data/";
    const Dataset digits = read_csv_file(folder + "digits.csv");
    std::vector<std::size_t> train_rows, test_rows;
    std::ifstream split(folder + "digits_split.csv");
    std::string line;
    std::getline(split, line);
    while (std::getline(split, line)) {
        const std::size_t comma = line.find(',');
        (line.compare(comma + 1, 4, "test") == 0 ? test_rows : train_rows).push_back(std::stoul(line.substr(0, comma)));
    }
    REQUIRE(train_rows.size() == 1437);
    REQUIRE(test_rows.size() == 360);
    const Dataset train = digits.select_rows(train_rows), test = digits.select_rows(test_rows);

    // The setting the bench chose on validation rows; seed 1 is the first of its five.
    nn::MlpOptions net;
    net.hidden = {64};
    net.activation = nn::Activation::Relu;
    FitOptions options;
    options.target = "target";
    options.loss = Loss::named("xent");
    options.method = Method::Adam;
    options.learning_rate = 0.003;
    options.l2 = 1e-4;
    options.batch_size = 32;
    options.epochs = 30;
    options.standardize = true;
    options.seed = 1;
    const nn::MlpFitResult result = nn::fit_mlp(train, net, options);
    CHECK(result.model.classes.size() == 10);
    CHECK(result.accuracy > 0.99);
    CHECK(nn::accuracy(result.model, test, "target") >=
          0.95);  // 97.5% here with AVX-512; the margin covers other SIMD widths (bench has 5 seeds)
}
