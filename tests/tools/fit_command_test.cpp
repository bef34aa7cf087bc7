// gradc fit: the names it reports, its JSON shape read back, the history file, the
// refusal of misspelt columns and the exit codes of divergence (1) and bad input (2).
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "command_output.hpp"
#include "temp_files.hpp"

using gradc::testing::check_error;
using gradc::testing::json_token;
using gradc::testing::parse_number;
using gradc::testing::run_gradc;
using gradc::testing::run_gradc_stream;
using gradc::testing::temp_file;

namespace {

// y = 2x - 1 at x = -1..4 (the Keras beginner's example), in the source tree.
const std::string kLine = GRADC_SOURCE_DIR "/docs/data/line.csv";

}  // namespace

TEST_CASE("fit names data and parameters, then the fitted line", "[cli][fit]") {
    const auto r = run_gradc("fit 'w*x + b' --data " + kLine + " --target y");
    CHECK(r.exit_code == 0);
    // Piped, so no per-epoch lines: the names, then the result.
    CHECK(r.out.rfind("data: x\nparameters: w, b\nw = 2\nb = -1\nloss = ", 0) == 0);
    CHECK(r.out.find("epoch 1:") == std::string::npos);
    CHECK(r.out.find("\nstopped: every partial derivative is within 1e-08 of 0\n") != std::string::npos);
}

TEST_CASE("fit --json has the documented shape", "[cli][fit][json]") {
    const auto r = run_gradc_stream(
        1, "fit 'w*x + b' --data " + kLine + " --target y --optimizer gd --lr 0.05 --epochs 3 --no-shuffle --json");
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("{\"params\": {\"w\": ", 0) == 0);
    CHECK(r.out.find("\"val_loss\"") == std::string::npos);  // no validation rows
    CHECK(parse_number(json_token(r.out, {"epochs"})) == 3);
    // The first epoch by hand: from zeros the mean gradient is 2·mean(-y·x, -y) = (-12.67, -4);
    // one step of 0.05 gives w = 0.6333, b = 0.2, and the loss is the mean of (w x + b - y)^2.
    const std::size_t at = r.out.find("\"history\": [");
    REQUIRE(at != std::string::npos);
    const double first = parse_number(r.out.substr(at + 12, r.out.find(',', at) - at - 12));
    const double w = 0.05 * 2 * (3 + 0 + 1 + 6 + 15 + 28) / 6.0, b = 0.05 * 2 * (-3 - 1 + 1 + 3 + 5 + 7) / 6.0;
    double loss = 0;
    for (int x = -1; x <= 4; ++x) loss += (w * x + b - (2 * x - 1)) * (w * x + b - (2 * x - 1));
    CHECK(first == Approx(loss / 6).epsilon(1e-12));
    CHECK_THAT(r.out, Catch::EndsWith("]}\n"));
    const double fitted_w = parse_number(json_token(r.out, {"params", "w"}));
    CHECK(std::isfinite(fitted_w));
}

TEST_CASE("fit --json with validation includes val_loss", "[cli][fit][json]") {
    const auto r = run_gradc_stream(1, "fit 'w*x + b' --data " + kLine + " --target y --validation 0.34 --json");
    CHECK(r.exit_code == 0);
    CHECK(parse_number(json_token(r.out, {"val_loss"})) < 1e-12);
    CHECK(parse_number(json_token(r.out, {"params", "w"})) == Approx(2.0).margin(1e-9));
}

TEST_CASE("fit --history writes a CSV of the epochs", "[cli][fit]") {
    const std::string path = temp_file("history.csv", "");
    const auto r = run_gradc("fit 'w*x + b' --data " + kLine +
                             " --target y --optimizer adam --lr 0.1 --epochs 4 --validation 0.34 --history " + path);
    CHECK(r.exit_code == 0);
    std::ifstream in(path);
    std::string line;
    std::getline(in, line);
    CHECK(line == "epoch,loss,val_loss");
    int rows = 0;
    while (std::getline(in, line)) {
        ++rows;
        CHECK(line.rfind(std::to_string(rows) + ",", 0) == 0);
        CHECK(line.find("nan") == std::string::npos);
    }
    CHECK(rows == 4);
    std::remove(path.c_str());
}

TEST_CASE("fit refuses a parameter that looks like a misspelt column", "[cli][fit][errors]") {
    const std::string data = temp_file("weights.csv", "weight,height\n1,2\n2,4\n3,6\n");
    check_error("fit 'a*wieght' --data " + data + " --target height",
                "'wieght' looks like the column 'weight': correct the spelling if it is data, or use --param wieght "
                "if it is a parameter");
    const auto r = run_gradc("fit 'a*wieght' --data " + data + " --target height --param wieght");
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("data: none\nparameters: a, wieght\n", 0) == 0);
    std::remove(data.c_str());
}

TEST_CASE("fit errors exit with 2 and say what to do", "[cli][fit][errors]") {
    check_error("fit 'w*x + b' --data " + kLine + " --target z",
                "there is no column 'z' to predict; the columns are x, y");
    check_error("fit 'x + 1' --data " + kLine + " --target y",
                "the model has no parameters to fit: every name in it is a column of the data (x)");
    check_error("fit 'w*x' --data " + kLine, "fit needs the column to predict, as in --target y");
    check_error("fit 'w*x' --data " + kLine + " --target y --optimizer adamax",
                "unknown optimizer 'adamax'; choose one of gd (or sgd), momentum, nesterov, adagrad, rmsprop, adam, "
                "adamw, lbfgs, as in --optimizer adam");
    check_error("fit 'w*x' --data " + kLine + " --target y --batch-size 2",
                "lbfgs takes the full batch: leave out --batch-size, or choose a first-order optimizer, as in "
                "--optimizer adam");
    const std::string bad = temp_file("bad.csv", "x,y\n1,2\n3\n");
    const auto r = run_gradc("fit 'w*x' --data " + bad + " --target y");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("line 3") != std::string::npos);
    std::remove(bad.c_str());
}

TEST_CASE("fit exits with 1 when the loss diverges", "[cli][fit]") {
    const auto r = run_gradc("fit 'w*x + b' --data " + kLine + " --target y --optimizer gd --lr 1 --epochs 50");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("\ndiverged: the training loss grew from ") != std::string::npos);
    CHECK_THAT(r.out, Catch::EndsWith("try a smaller one, as in --lr 0.1\n"));
}

TEST_CASE("fit --mlp trains a classifier on XOR and reports its accuracy", "[cli][fit][mlp]") {
    const std::string xor_csv = GRADC_SOURCE_DIR "/docs/data/xor.csv";
    const auto r = run_gradc("fit --mlp 4 --activation tanh --data " + xor_csv + " --target y --loss xent --seed 3");
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("network: 2-4-2 tanh, 22 parameters\nloss = ", 0) == 0);
    CHECK(r.out.find("\naccuracy = 1\n") != std::string::npos);

    const auto j =
        run_gradc("fit --mlp 4 --activation tanh --data " + xor_csv + " --target y --loss xent --seed 3 --json");
    CHECK(j.exit_code == 0);
    CHECK(json_token(j.out, {"network"}) == "\"2-4-2 tanh\"");
    CHECK(parse_number(json_token(j.out, {"accuracy"})) == 1.0);
    CHECK(j.out.find("\"l1_w_3_1\": ") != std::string::npos);
}

TEST_CASE("fit --mlp refuses bad sizes, a formula beside it, and xent without it", "[cli][fit][mlp]") {
    const std::string xor_csv = GRADC_SOURCE_DIR "/docs/data/xor.csv";
    check_error("fit --mlp 4,0 --data " + xor_csv + " --target y",
                "--mlp takes hidden layer sizes separated by commas, each 1 or more, as in --mlp 64,32; got '4,0'");
    check_error("fit 'w*a' --mlp 4 --data " + xor_csv + " --target y",
                "--mlp builds the model itself: leave out the formula, or leave out --mlp");
    check_error("fit 'w*a' --data " + xor_csv + " --target y --loss xent",
                "the xent loss needs one output per class: fit a network, as in gradc fit --mlp 32 --loss xent");
    check_error("fit --mlp 4 --data " + xor_csv + " --target y --loss xent --activation gelu",
                "unknown activation 'gelu': choose relu, tanh, sigmoid, softplus or identity");
}
