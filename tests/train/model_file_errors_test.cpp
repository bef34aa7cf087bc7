// Malformed model files: each is refused with a gradc::Error that says what is wrong
// and where (the line and column of broken JSON, or the field), never a crash.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <string>

#include "gradc/error.hpp"
#include "gradc/model_file.hpp"
#include "model_file_examples.hpp"

using namespace gradc;
using gradc::testing::kLineModel;
using gradc::testing::kXorModel;
using gradc::testing::with;

namespace {

// The message of the gradc::Error that reading `text` throws; any other exception
// escapes and fails the test.
std::string error_of(const std::string& text) {
    try {
        read_model(text);
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

}  // namespace

TEST_CASE("the well-formed examples load", "[model_file][errors]") {
    CHECK(error_of(kLineModel) == "(no error)");
    CHECK(error_of(kXorModel) == "(no error)");
}

TEST_CASE("broken JSON is refused with its line and column", "[model_file][errors]") {
    CHECK_THAT(error_of(""), Catch::StartsWith("not valid JSON: line 1, column 1: "));
    // Cut off in the middle of line 5.
    CHECK_THAT(error_of(kLineModel.substr(0, kLineModel.find("\"y\""))),
               Catch::StartsWith("not valid JSON: line 5, column 13: ") && Catch::Contains("unexpected end of input"));
    // A missing comma: nlohmann points at the end of the token it did not expect, "formula".
    CHECK_THAT(error_of(with(kLineModel, "\"mse\",", "\"mse\"")),
               Catch::StartsWith("not valid JSON: line 7, column 11: "));
    CHECK_THAT(error_of(kLineModel + "x"), Catch::StartsWith("not valid JSON: line 12, column 1: "));
    CHECK_THAT(error_of(with(kLineModel, "\"y\"", "\"\xff\"")), Catch::StartsWith("not valid JSON: line 5, column "));
    CHECK(error_of(with(kLineModel, "-1}", "-1e999}")) == "not valid JSON: number overflow parsing '-1e999'");
}

TEST_CASE("deep nesting is an error, not a stack overflow", "[model_file][errors]") {
    const std::string deep(1000000, '[');
    CHECK_THAT(error_of(deep), Catch::StartsWith("not valid JSON: line 1, column 1000001: "));
    CHECK(error_of(deep + std::string(1000000, ']')) == "a model file holds one JSON object, not an array");
}

TEST_CASE("a file of another format or version is refused", "[model_file][errors]") {
    CHECK(error_of("[1, 2]") == "a model file holds one JSON object, not an array");
    CHECK(error_of("{\"weights\": [1]}") == "not a gradc model file: it has no \"format\": \"gradc-model\"");
    CHECK(error_of(with(kLineModel, "\"gradc-model\"", "\"onnx\"")) ==
          "not a gradc model file: it has no \"format\": \"gradc-model\"");
    CHECK(error_of(with(kLineModel, "\"version\": 1", "\"version\": 2")) ==
          "the model file is version 2 of the format, and this gradc reads version 1 only: read it with the gradc "
          "that wrote it");
    CHECK(error_of(with(kLineModel, "\"version\": 1", "\"version\": 1.5")) ==
          "the model file is version 1.5 of the format, and this gradc reads version 1 only: read it with the gradc "
          "that wrote it");
    CHECK(error_of(with(kLineModel, "\"version\": 1", "\"version\": \"1\"")) ==
          "'version' must be a number, not a string");
    CHECK(error_of(with(kLineModel, "  \"version\": 1,\n", "")) == "the field 'version' is missing");
    CHECK(error_of(with(kLineModel, "\"formula\",", "\"tree\",")) ==
          "'kind' must be \"formula\" or \"network\", not \"tree\"");
}

TEST_CASE("missing fields, wrong types and unknown fields are named", "[model_file][errors]") {
    CHECK(error_of(with(kLineModel, "  \"target\": \"y\",\n", "")) == "the field 'target' is missing");
    CHECK(error_of(with(kLineModel, "\"target\": \"y\"", "\"target\": 3")) ==
          "'target' must be a string, not a number");
    CHECK(error_of(with(kLineModel, "\"target\": \"y\"", "\"target\": \"\"")) ==
          "'target' is empty: it names the column the model predicts");
    CHECK(error_of(with(kLineModel, "\"loss\": \"mse\"", "\"loss\": null")) == "'loss' must be a string, not null");
    CHECK(error_of(with(kLineModel, "\"standardization\"", "\"standardisation\"")) ==
          "unknown field 'standardisation'; a formula model has the fields format, version, kind, target, loss, "
          "formula, inputs, params, standardization");
    CHECK(error_of(with(kLineModel, "\"params\": {\"w\": 2, \"b\": -1}", "\"params\": [2, -1]")) ==
          "'params' must be an object of parameter values, not an array");
}

TEST_CASE("a formula model's fields must agree with its formula", "[model_file][errors]") {
    CHECK(error_of(with(kLineModel, "\"w*x + b\"", "\"w*x + \"")) ==
          "'formula' cannot be used: line 1, column 6: missing operand after '+'\n  w*x + \n       ^");
    CHECK(error_of(with(kLineModel, "\"w*x + b\"", "\"w*x, b\"")) ==
          "'formula' cannot be used: a model has one result; this one has 2");
    CHECK(error_of(with(kLineModel, "[\"x\"]", "\"x\"")) == "'inputs' must be an array of names, not a string");
    CHECK(error_of(with(kLineModel, "[\"x\"]", "[\"x\", 1]")) == "'inputs[1]' must be a string, not a number");
    CHECK(error_of(with(kLineModel, "[\"x\"]", "[\"x\", \"x\"]")) == "'inputs' lists 'x' twice");
    CHECK(error_of(with(kLineModel, "[\"x\"]", "[\"x\", \"z\"]")) ==
          "'inputs' lists 'z', which the formula does not use");
    CHECK(error_of(with(kLineModel, "\"w\": 2, ", "")) == "'params' has no value for 'w', a parameter of the formula");
    CHECK(error_of(with(kLineModel, "\"b\": -1", "\"b\": -1, \"c\": 0")) ==
          "'params' has 'c', which is not a parameter of the formula; its parameters are w, b");
    CHECK(error_of(with(kLineModel, "\"w\": 2", "\"w\": \"2\"")) == "'params.w' must be a number, not a string");
    CHECK(error_of(with(kLineModel, "\"loss\": \"mse\"", "\"loss\": \"xent\"")) ==
          "'loss' is xent, which needs one output per class: only a network model has it");
}

TEST_CASE("a standardization needs a finite, nonzero scale per input", "[model_file][errors]") {
    CHECK(error_of(with(kLineModel, "\"mean\": [0.5]", "\"mean\": [0.5, 1]")) ==
          "'standardization.mean' has 2 numbers; it needs 1, one per input");
    CHECK(error_of(with(kLineModel, "\"scale\": [2]", "\"scale\": [0]")) ==
          "'standardization.scale[0]' is 0, and a scale divides: a constant column has scale 1");
    CHECK(error_of(with(kLineModel, "\"scale\": [2]", "\"scale\": [true]")) ==
          "'standardization.scale[0]' must be a number, not a boolean");
    CHECK(error_of(with(kLineModel, ", \"scale\": [2]", "")) == "the field 'standardization.scale' is missing");
    CHECK(error_of(with(kLineModel, "\"scale\": [2]", "\"scale\": [2], \"std\": [2]")) ==
          "unknown field 'standardization.std'; 'standardization' has the fields mean, scale");
    CHECK(error_of(with(kLineModel, "{\"mean\": [0.5], \"scale\": [2]}", "[0.5, 2]")) ==
          "'standardization' must be an object, not an array");
}

TEST_CASE("a network's layers must fit together", "[model_file][errors]") {
    CHECK(error_of(with(kXorModel, "[[1, 1], [1, 1]]", "[[1, 1], [1]]")) ==
          "'layers[0].weights[1]' has 1 numbers; it needs 2, one per input of the layer");
    CHECK(error_of(with(kXorModel, "[[0, 0], [4, -8]]", "[[0, 0, 0], [4, -8, 0]]")) ==
          "'layers[1].weights[0]' has 3 numbers; it needs 2, one per input of the layer");
    CHECK(error_of(with(kXorModel, "[[0, 0], [4, -8]]", "[[0, 0], [4, null]]")) ==
          "'layers[1].weights[1][1]' must be a number, not null");
    CHECK(error_of(with(kXorModel, "\"biases\": [0, -1]", "\"biases\": [0]")) ==
          "'layers[0].biases' has 1 numbers; it needs 2, one per unit (row of weights)");
    CHECK(error_of(with(kXorModel, "[[1, 1], [1, 1]]", "[]")) ==
          "'layers[0].weights' is empty: a layer has a row of weights per unit");
    CHECK(error_of(with(kXorModel, ", \"biases\": [0, -2]", "")) == "the field 'layers[1].biases' is missing");
    CHECK(error_of(with(kXorModel, "\"biases\": [0, -2]", "\"biases\": [0, -2], \"bias\": 1")) ==
          "unknown field 'layers[1].bias'; a layer has the fields weights, biases");
    CHECK(error_of(with(kXorModel, "{\"weights\": [[0, 0], [4, -8]], \"biases\": [0, -2]}", "7")) ==
          "'layers[1]' must be an object, not a number");
    CHECK(error_of(with(kXorModel, "\"relu\"", "\"gelu\"")) ==
          "'activation': unknown activation 'gelu': choose relu, tanh, sigmoid, softplus or identity");
    CHECK(error_of(with(kXorModel, "[\"a\", \"b\"]", "[]")) ==
          "'inputs' is empty: a network reads at least one column");
}

TEST_CASE("a network's classes must match its loss and outputs", "[model_file][errors]") {
    CHECK(error_of(with(kXorModel, ",\n  \"classes\": [0, 1]", "")) ==
          "the field 'classes' is missing: a network fitted with xent lists its classes");
    CHECK(error_of(with(kXorModel, "[0, 1]", "[0, 1, 2]")) ==
          "'classes' lists 3 classes, but the last layer has 2 units: a classifier has one output per class");
    CHECK(error_of(with(kXorModel, "[0, 1]", "[1, 0]")) == "'classes' must be in increasing order, each class once");
    CHECK(error_of(with(kXorModel, "[0, 1]", "[1, 1]")) == "'classes' must be in increasing order, each class once");
    CHECK(error_of(with(kXorModel, "\"xent\"", "\"mse\"")) ==
          "'classes' goes with the xent loss, and this network's loss is not xent");
    CHECK(error_of(with(with(kXorModel, "\"xent\"", "\"mse\""), ",\n  \"classes\": [0, 1]", "")) ==
          "the last layer has 2 units; a network whose loss is not xent has one output");
}

TEST_CASE("load_model names the file in its errors", "[model_file][errors]") {
    const std::string path =
        std::string(std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp") + "/gradc_model_file_errors.json";
    std::ofstream(path) << with(kLineModel, "\"w\": 2", "\"w\": \"2\"");
    CHECK_THROWS_WITH(load_model(path), path + ": 'params.w' must be a number, not a string");
    std::ofstream(path) << kXorModel;
    CHECK(load_model(path).is_network());
    CHECK_THROWS_WITH(load_model(path + ".missing"),
                      "cannot read the model file '" + path + ".missing': check the path");
}
