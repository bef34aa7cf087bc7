// gradc fit --save, gradc predict and gradc eval --data: a saved model predicts what
// the fitted one computes, a classifier its classes and probabilities, a formula its
// value at every row; mistakes exit with 2 and say what to do.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "command_output.hpp"
#include "temp_files.hpp"

using gradc::testing::check_error;
using gradc::testing::json_token;
using gradc::testing::parse_number;
using gradc::testing::read_text;
using gradc::testing::run_gradc;
using gradc::testing::run_gradc_stream;
using gradc::testing::temp_file;
using gradc::testing::temp_path;

namespace {

const std::string kLine = GRADC_SOURCE_DIR "/docs/data/line.csv";  // y = 2x - 1
const std::string kXor = GRADC_SOURCE_DIR "/docs/data/xor.csv";
const std::string kFour = GRADC_SOURCE_DIR "/docs/data/four.csv";  // y = 2x - 1 at x = 0..3

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("fit --save writes the parameters that fit --json prints, to the last digit", "[cli][predict]") {
    const std::string model = temp_path("noisy.json");
    const std::string noisy = GRADC_SOURCE_DIR "/docs/data/line_noisy.csv";
    const auto r = run_gradc_stream(1, "fit 'w*x + b' --data " + noisy + " --target y --json --save " + model);
    REQUIRE(r.exit_code == 0);
    const std::string file = read_text(model);
    CHECK(file.find("\"params\": {\"w\": " + json_token(r.out, {"params", "w"}) +
                    ", \"b\": " + json_token(r.out, {"params", "b"}) + "}") != std::string::npos);
    CHECK(file.find("\"target\": \"y\"") != std::string::npos);
}

TEST_CASE("predict applies a saved formula to new rows", "[cli][predict]") {
    const std::string model = temp_path("line.json");
    REQUIRE(run_gradc("fit 'w*x + b' --data " + kLine + " --target y --standardize --save " + model).exit_code == 0);
    const std::string rows = temp_file("new.csv", "z,x\n7,10\n7,0.5\n7,-3\n");
    const auto r = run_gradc("predict " + model + " --data " + rows);
    CHECK(r.exit_code == 0);
    const std::vector<std::string> lines = lines_of(r.out);
    REQUIRE(lines.size() == 4);
    CHECK(lines[0] == "y");
    // The fit recovers y = 2x − 1; standardization is undone inside the model.
    const double x[3] = {10, 0.5, -3};
    for (int i = 0; i < 3; ++i) CHECK(parse_number(lines[i + 1]) == Approx(2 * x[i] - 1).margin(1e-9));

    const auto j = run_gradc_stream(1, "predict " + model + " --data " + rows + " --json");
    CHECK(j.exit_code == 0);
    CHECK(j.out == "{\"predictions\": [" + lines[1] + ", " + lines[2] + ", " + lines[3] + "]}\n");
}

TEST_CASE("predict gives a saved classifier's classes and probabilities", "[cli][predict][mlp]") {
    const std::string model = temp_path("xor.json");
    const auto fit =
        run_gradc("fit --mlp 4 --activation tanh --data " + kXor + " --target y --loss xent --seed 3 --save " + model);
    REQUIRE(fit.exit_code == 0);
    REQUIRE(fit.out.find("\naccuracy = 1\n") != std::string::npos);
    const auto classes = run_gradc("predict " + model + " --data " + kXor);
    CHECK(classes.exit_code == 0);
    CHECK(classes.out == "y\n0\n1\n1\n0\n");

    const auto proba = run_gradc("predict " + model + " --data " + kXor + " --proba");
    CHECK(proba.exit_code == 0);
    const std::vector<std::string> lines = lines_of(proba.out);
    REQUIRE(lines.size() == 5);
    CHECK(lines[0] == "p_0,p_1");
    for (int r = 1; r <= 4; ++r) {
        const std::size_t comma = lines[r].find(',');
        const double p0 = parse_number(lines[r].substr(0, comma)), p1 = parse_number(lines[r].substr(comma + 1));
        CHECK(p0 + p1 == Approx(1.0));
        CHECK((r == 2 || r == 3 ? p1 : p0) > 0.5);  // the class predicted above
    }
    const auto json = run_gradc_stream(1, "predict " + model + " --data " + kXor + " --proba --json");
    CHECK(json.exit_code == 0);
    CHECK(json.out.rfind("{\"classes\": [0, 1], \"probabilities\": [[", 0) == 0);
    CHECK(json.out.find("[" + lines[4].substr(0, lines[4].find(',')) + ", ") != std::string::npos);
}

TEST_CASE("eval --data evaluates the formula at every row", "[cli][eval][data]") {
    const auto r = run_gradc("eval '2*x - 1 - y' --data " + kLine);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "value\n0\n0\n0\n0\n0\n0\n");
    const auto two = run_gradc("eval 'x*y, x/y' --data " + kFour);
    CHECK(two.out == "value_1,value_2\n-0,-0\n1,1\n6,0.6666666666666666\n15,0.6\n");
    const auto json = run_gradc_stream(1, "eval 'r = x^2; r + 1' --data " + kLine + " --json");
    CHECK(json.exit_code == 0);
    CHECK(json.out == "{\"values\": [2, 1, 2, 5, 10, 17]}\n");
    const auto results = run_gradc_stream(1, "eval 'x, 2' --data " + kFour + " --json");
    CHECK(results.out == "{\"values\": [[0, 1, 2, 3], [2, 2, 2, 2]]}\n");
}

TEST_CASE("eval --data and predict refuse bad input with exit code 2", "[cli][predict][errors]") {
    check_error("eval 'w*x + b' --data " + kLine, "'w' is not a column of " + kLine + "; its columns are x, y");
    check_error("eval 'x' --at x=1 --data " + kLine, "give either a point (--at) or rows (--data), not both");
    check_error(
        "predict --data " + kLine,
        "predict needs a model file, as in gradc predict model.json --data new.csv; gradc fit --save model.json "
        "writes one");

    const std::string model = temp_path("errors.json");
    REQUIRE(run_gradc("fit 'w*x + b' --data " + kLine + " --target y --save " + model).exit_code == 0);
    check_error("predict " + model, "predict needs data: name a CSV file, as in --data new.csv");
    check_error("predict " + model + " --data " + kXor,
                "the data has no column 'x', which the model reads; its columns are a, b, y");
    check_error("predict " + model + " --data " + kLine + " --proba",
                "--proba needs a classifier (a network fitted with --loss xent, or a formula with --loss bce); " +
                    model + " predicts values of 'y'");
    check_error("predict " + model + ".missing --data " + kLine,
                "cannot read the model file '" + model + ".missing': check the path");
    const std::string broken = temp_file("broken.json", read_text(model).substr(0, 40));
    const auto r = run_gradc("predict " + broken + " --data " + kLine);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.out, Catch::StartsWith("gradc: error: " + broken + ": not valid JSON: line 3, column "));
}

TEST_CASE("fit --save checks its folder before fitting", "[cli][predict][errors]") {
    const std::string folder = temp_path("no-such-folder");
    std::filesystem::remove_all(folder);
    check_error("fit 'w*x + b' --data " + kLine + " --target y --save " + folder + "/m.json",
                "--save " + folder + "/m.json: there is no folder '" + folder + "' to write the model to");
    check_error("fit 'w*x + b' --data " + kLine + " --target y --save " + GRADC_SOURCE_DIR "/docs",
                "--save " GRADC_SOURCE_DIR "/docs: that is a folder; name a file, as in --save model.json");
}
