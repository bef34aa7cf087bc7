// gradc explain: saliency is what gradc grad gives at the row, integrated gradients of a
// relu network are exact, the pictures have their cells, and mistakes exit with 2.
#include <catch2/catch.hpp>
#include <cmath>
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

const std::string kXorModel = GRADC_SOURCE_DIR "/docs/data/xor_model.json";  // a relu network
const std::string kXor = GRADC_SOURCE_DIR "/docs/data/xor.csv";

// A formula model, written as fit --save writes one.
std::string formula_model() {
    return temp_file("explain_formula.json", R"json({
  "format": "gradc-model",
  "version": 1,
  "kind": "formula",
  "target": "t",
  "loss": "mse",
  "formula": "a*sin(x)*y + b*exp(-x^2)",
  "inputs": ["x", "y"],
  "params": {"a": 1.5, "b": -2}
})json");
}

std::vector<double> csv_numbers(const std::string& line) {
    std::vector<double> out;
    std::stringstream in(line);
    for (std::string field; std::getline(in, field, ',');) out.push_back(parse_number(field));
    return out;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("explain --method saliency gives gradc grad's gradient at each row", "[tools][explain]") {
    const std::string model = formula_model();
    const double points[][2] = {{0.5, -1.25}, {2.0, 0.75}, {-1.5, 3.0}};
    for (const auto& p : points) {
        std::ostringstream row;
        row << "x,y\n" << p[0] << ',' << p[1] << '\n';
        const auto explained = run_gradc_stream(
            1, "explain " + model + " --data " + temp_file("explain_row.csv", row.str()) + " --method saliency");
        REQUIRE(explained.exit_code == 0);
        const std::string values = explained.out.substr(explained.out.find('\n') + 1);
        const std::vector<double> saliency = csv_numbers(values.substr(0, values.find('\n')));
        std::ostringstream at;
        at << "x=" << p[0] << ",y=" << p[1] << ",a=1.5,b=-2";
        const auto grad = run_gradc("grad 'a*sin(x)*y + b*exp(-x^2)' --wrt x,y --at " + at.str() + " --json");
        REQUIRE(grad.exit_code == 0);
        INFO(explained.out << grad.out);
        REQUIRE(saliency.size() == 2);
        CHECK(saliency[0] == Approx(parse_number(json_token(grad.out, {"gradient", "x"}))).epsilon(1e-14));
        CHECK(saliency[1] == Approx(parse_number(json_token(grad.out, {"gradient", "y"}))).epsilon(1e-14));
    }
}

TEST_CASE("explain takes integrated gradients of a relu network exactly", "[tools][explain]") {
    const auto r = run_gradc("explain " + kXorModel + " --data " + kXor + " --json");
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("integrated gradients from baseline zeros, exact (piecewise linear), 4 rows: completeness gap "
                     "at most 0 of |f(x) - f(baseline)|") != std::string::npos);
    CHECK(json_token(r.out, {"exact"}) == "true");
    const auto quadrature = run_gradc("explain " + kXorModel + " --data " + kXor + " --quadrature --steps 4");
    REQUIRE(quadrature.exit_code == 0);
    CHECK(quadrature.out.find("quadrature with up to") != std::string::npos);
}

TEST_CASE("explain --plot draws bars, or heat maps beside the images", "[tools][explain][plot]") {
    const std::string bars = temp_path("explain_bars.svg");
    REQUIRE(run_gradc("explain " + kXorModel + " --data " + kXor + " --plot " + bars).exit_code == 0);
    const std::string svg = read_text(bars);
    CHECK(svg.find("<svg") == 0);
    CHECK(count(svg, "<rect") == 1 + 2);  // the background, one bar per input
    CHECK(svg.find(">a</text>") != std::string::npos);
    // A 1x2 "image" of each of the 4 rows: 2 pixel cells, 2 heat cells and a frame each.
    const std::string images = temp_path("explain_images.svg");
    REQUIRE(run_gradc("explain " + kXorModel + " --data " + kXor + " --image 1x2 --plot " + images).exit_code == 0);
    CHECK(count(read_text(images), "<rect") == 1 + 4 * (2 + 2 + 1));
    CHECK(read_text(images).find("row 2, class 1: input, attribution") != std::string::npos);
}

TEST_CASE("the digits picture in docs/explain.md is what its command draws", "[tools][explain][plot]") {
    const std::string svg = temp_path("explain_digits.svg");
    REQUIRE(run_gradc("explain docs/data/digits_model.json --data docs/data/digits_rows.csv --image 8x8 --plot " + svg,
                      "cd " GRADC_SOURCE_DIR " && LANG=C.UTF-8 LC_ALL=C.UTF-8")
                .exit_code == 0);
    CHECK(read_text(svg) == read_text(GRADC_SOURCE_DIR "/docs/explain_digits.svg"));
}

TEST_CASE("explain refuses what it cannot do, with exit code 2", "[tools][explain][errors]") {
    const std::string model = formula_model();
    const std::string rows = temp_file("explain_rows.csv", "x,y\n1,2\n");
    check_error("explain " + model, "explain needs data: name a CSV file of rows, as in --data rows.csv");
    check_error("explain " + model + " --data " + rows + " --method lime",
                "unknown method 'lime': choose saliency, gradient-x-input, integrated-gradients or smoothgrad");
    check_error("explain " + model + " --data " + rows + " --image 3x3",
                "--image 3x3 has 9 pixels; the model reads 2 columns");
    check_error("explain " + model + " --data " + rows + " --image 8by8",
                "--image takes the image's height and width, as in --image 8x8, not '8by8'");
    check_error("explain " + model + " --data " + rows + " --method saliency --baseline mean",
                "--baseline sets where integrated gradients start; --method saliency has none");
    const std::string two = temp_file("explain_baseline.csv", "x,y\n0,0\n1,1\n");
    check_error("explain " + model + " --data " + rows + " --baseline " + two,
                "the baseline file '" + two + "' has 2 rows; give one row holding the columns the model reads");
    const std::string narrow = temp_file("explain_narrow.csv", "x\n0\n");
    check_error(
        "explain " + model + " --data " + rows + " --baseline " + narrow,
        "the baseline file '" + narrow +
            "' has no column 'y', which the model reads; --baseline takes zeros, mean or a CSV file of one row");
    const std::string missing = temp_file("explain_missing.csv", "x,z\n1,2\n");
    check_error(
        "explain " + model + " --data " + missing,
        missing + ", line 1, column 1: the data has no column 'y', which the model reads; its columns are x, z");
    std::string newer = read_text(model);
    newer.replace(newer.find("\"version\": 1"), 12, "\"version\": 2");
    const std::string v2 = temp_file("explain_v2.json", newer);
    check_error("explain " + v2 + " --data " + rows,
                v2 + ": the model file is version 2 of the format, and this gradc reads version 1 only: read it with "
                     "the gradc that wrote it");
    check_error("explain " + model + " --data " + rows + " --output probability",
                "the model predicts numbers, not classes: there is no probability to explain; leave out --output "
                "probability");
}
