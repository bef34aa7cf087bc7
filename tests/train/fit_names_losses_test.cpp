// Names of a model (data or parameter), misspelt-column detection, and the per-row
// losses against their closed forms, evaluated by the reference interpreter.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "gradc/error.hpp"
#include "gradc/eval.hpp"
#include "gradc/fit.hpp"

using namespace gradc;

TEST_CASE("names that match a column are data and the rest are parameters", "[fit][names]") {
    const std::vector<std::string> columns = {"y", "x", "weight"};
    const ModelNames names = model_names("w*x + b + c*weight", columns);
    CHECK(names.data == std::vector<std::string>{"x", "weight"});
    CHECK(names.params == std::vector<std::string>{"w", "b", "c"});
    CHECK_THROWS_AS(model_names("w*x, b", columns), Error);
}

TEST_CASE("a parameter within edit distance 2 of a column looks misspelt", "[fit][names]") {
    const std::vector<std::string> columns = {"weight", "height", "y"};
    const std::vector<std::string> params = {"wieght", "w", "hieghts", "beta", "slope"};
    const std::vector<Lookalike> found = lookalike_columns(params, columns);
    REQUIRE(found.size() == 2);
    CHECK(found[0].param == "wieght");  // one swap
    CHECK(found[0].column == "weight");
    CHECK(found[1].param == "hieghts");  // a swap and an insertion
    CHECK(found[1].column == "height");
    // Names under four letters are left alone, however close: "w" is one from "y".
    const std::vector<std::string> shorts = {"yy", "w"};
    CHECK(lookalike_columns(shorts, columns).empty());
}

namespace {

double loss_at(const Loss& loss, double p, double y) {
    ExprContext ctx;
    const Expr vp = ctx.variable("pred"), vy = ctx.variable("target");
    const Expr e = row_loss(ctx, loss, vp, vy);
    const Expr inputs[] = {vp, vy};
    const double values[] = {p, y};
    return evaluate(e, inputs, values);
}

}  // namespace

TEST_CASE("the built-in losses match their closed forms", "[fit][losses]") {
    CHECK(loss_at(Loss::named("mse"), 3.0, 1.0) == 4.0);  // (p - y)^2, no 1/2
    CHECK(loss_at(Loss::named("mae"), 1.0, 3.5) == 2.5);
    // PyTorch's HuberLoss, delta 1: 0.5 d^2 inside, |d| - 0.5 outside.
    CHECK(loss_at(Loss::named("huber"), 0.5, 0.0) == 0.125);
    CHECK(loss_at(Loss::named("huber"), -2.0, 1.0) == 2.5);
    // Binary cross-entropy of sigmoid(z) against y.
    for (const double z : {-3.0, 0.0, 2.0})
        for (const double y : {0.0, 1.0}) {
            const double s = 1.0 / (1.0 + std::exp(-z));
            CHECK(loss_at(Loss::named("bce"), z, y) == Approx(-(y * std::log(s) + (1 - y) * std::log(1 - s))));
        }
    // The stable form stays finite where log(sigmoid(z)) would underflow to log(0).
    CHECK(loss_at(Loss::named("bce"), -800.0, 1.0) == Approx(800.0));
    CHECK(loss_at(Loss::named("bce"), 800.0, 0.0) == Approx(800.0));
}

TEST_CASE("a loss formula is written in p and y", "[fit][losses]") {
    CHECK(loss_at(Loss::named("(p - y)^4"), 3.0, 1.0) == 16.0);
    CHECK(loss_at(Loss::named("log(cosh(p - y))"), 1.0, 1.0) == 0.0);
    CHECK_THROWS_WITH(loss_at(Loss::named("(p - t)^2"), 1.0, 1.0),
                      Catch::Contains("may use p (the prediction) and y (the target) only, not 't'"));
}
