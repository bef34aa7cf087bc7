// A NaN or infinity in a column a fit reads is refused with where it stands, or its row
// skipped with drop_nonfinite; for formula models and networks alike.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "gradc/fit.hpp"
#include "gradc/nn.hpp"

using namespace gradc;

namespace {

FitOptions gd(std::string target) {
    FitOptions o;
    o.target = std::move(target);
    o.method = Method::GradientDescent;
    o.learning_rate = 0.1;
    o.epochs = 10;
    o.shuffle = false;
    return o;
}

}  // namespace

TEST_CASE("fit refuses a non-finite value it reads, naming its line and column", "[fit][data]") {
    const Dataset read = read_csv("x,unused,y\n1,nan,1\n2,0,3\n3,0,inf\n");
    CHECK_THROWS_WITH(fit("w*x + b", read, gd("y")),
                      Catch::StartsWith("line 4, column 5: the value of 'y' is inf: a fit needs finite numbers"));
    CHECK_THROWS_AS(fit("w*x + b", read, gd("y")), DataError);
    // Built in memory, the data has no lines: the row is named instead.
    Dataset built;
    built.names = {"x", "y"};
    built.columns = {{1, NAN, 3}, {1, 3, 5}};
    CHECK_THROWS_WITH(fit("w*x + b", built, gd("y")), Catch::StartsWith("row 2 of the data: the value of 'x' is nan"));
}

TEST_CASE("drop_nonfinite fits the finite rows and counts the others", "[fit][data]") {
    const Dataset spoilt = read_csv("x,y\n1,1\nnan,2\n2,3\n3,-inf\n3,5\n");
    const Dataset clean = read_csv("x,y\n1,1\n2,3\n3,5\n");
    FitOptions options = gd("y");
    options.drop_nonfinite = true;
    const FitResult dropped = fit("w*x + b", spoilt, options);
    const FitResult reference = fit("w*x + b", clean, options);
    CHECK(dropped.dropped_rows == 2);
    CHECK(reference.dropped_rows == 0);
    CHECK(dropped.params == reference.params);
    CHECK(dropped.loss == reference.loss);
    CHECK_THROWS_WITH(fit("w*x + b", read_csv("x,y\nnan,1\n"), options),
                      "every row of the data has a non-finite value in a column the model reads");
}

TEST_CASE("fit_mlp refuses or skips non-finite rows before reading classes", "[nn][fit][data]") {
    // Without the check a NaN class would be reported as "not an integer class".
    const Dataset d = read_csv("a,b,y\n0,0,0\n0,1,1\n1,0,nan\n1,0,1\n1,1,0\n");
    nn::MlpOptions net;
    net.hidden = {2};
    FitOptions options = gd("y");
    options.loss = Loss::named("xent");
    options.epochs = 2;
    CHECK_THROWS_WITH(nn::fit_mlp(d, net, options), Catch::StartsWith("line 4, column 5: the value of 'y' is nan"));
    options.drop_nonfinite = true;
    const nn::MlpFitResult fitted = nn::fit_mlp(d, net, options);
    CHECK(fitted.fit.dropped_rows == 1);
    CHECK(fitted.model.classes == std::vector<double>{0, 1});
}

TEST_CASE("a network trained by a first-order optimizer takes batches of 32 unless told", "[nn][fit]") {
    // 100 rows: batches of 32 take 4 steps an epoch, the full batch 1, and the steps differ.
    Dataset d;
    d.names = {"a", "y"};
    for (int r = 0; r < 100; ++r) {
        d.columns.resize(2);
        d.columns[0].push_back(std::sin(r));
        d.columns[1].push_back(std::cos(3 * r));
    }
    nn::MlpOptions net;
    net.hidden = {3};
    FitOptions options = gd("y");
    options.epochs = 2;
    const nn::MlpFitResult by_default = nn::fit_mlp(d, net, options);
    options.batch_size = kNetworkBatchSize;
    const nn::MlpFitResult thirty_two = nn::fit_mlp(d, net, options);
    options.batch_size = 0;
    const nn::MlpFitResult full = nn::fit_mlp(d, net, options);
    CHECK(kNetworkBatchSize == 32);
    CHECK(by_default.model.params == thirty_two.model.params);
    CHECK(by_default.model.params != full.model.params);
    // A formula model keeps the full batch.
    options.batch_size.reset();
    const FitResult formula = fit("w*a + b", d, options);
    options.batch_size = 0;
    CHECK(formula.params == fit("w*a + b", d, options).params);
}
