// --plot and --history on the command line: the chart has a point for every epoch or
// iteration the run reports, the CSV the same values, and a path that cannot be
// written is refused before the run.
#include <catch2/catch.hpp>
#include <cstdio>
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
using gradc::testing::temp_path;

namespace {

const std::string kLine = GRADC_SOURCE_DIR "/docs/data/line_noisy.csv";

std::size_t count_of(const std::string& text, const std::string& part) {
    std::size_t n = 0;
    for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) ++n;
    return n;
}

// The x,y pairs of every polyline and dot in a chart.
std::size_t plotted_points(const std::string& svg) {
    std::size_t n = count_of(svg, "<circle ");
    for (std::size_t at = svg.find("points=\""); at != std::string::npos; at = svg.find("points=\"", at + 1))
        n += count_of(svg.substr(at + 8, svg.find('"', at + 8) - at - 8), ",");
    return n;
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace

TEST_CASE("fit --plot draws the loss of every epoch", "[cli][plot][fit]") {
    const std::string path = temp_path("fit.svg");
    std::remove(path.c_str());
    const auto r =
        run_gradc("fit 'w*x + b' --data " + kLine + " --target y --optimizer adam --lr 0.1 --epochs 40 --plot " + path);
    CHECK(r.exit_code == 0);
    const std::string svg = read_text(path);
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(svg.find("</svg>") != std::string::npos);
    CHECK(plotted_points(svg) == 40);
    CHECK(svg.find(">epoch</text>") != std::string::npos);
    CHECK(svg.find(">w*x + b</text>") != std::string::npos);
    CHECK(svg.find("validation loss") == std::string::npos);  // one series, no legend
}

TEST_CASE("fit --plot adds the validation loss, and L-BFGS plots each iteration", "[cli][plot][fit]") {
    const std::string path = temp_path("fit_validation.svg");
    const auto first_order =
        run_gradc_stream(1, "fit 'w*x + b' --data " + kLine +
                                " --target y --optimizer adam --lr 0.1 --epochs 25 --validation 0.3 --plot " + path);
    CHECK(first_order.exit_code == 0);
    std::string svg = read_text(path);
    CHECK(plotted_points(svg) == 2 * 25);
    CHECK(svg.find(">training loss</text>") != std::string::npos);
    CHECK(svg.find(">validation loss</text>") != std::string::npos);

    const auto lbfgs = run_gradc_stream(1, "fit 'w*x + b' --data " + kLine + " --target y --json --plot " + path);
    CHECK(lbfgs.exit_code == 0);
    const double epochs = parse_number(json_token(lbfgs.out, {"epochs"}));
    CHECK(epochs >= 2);
    svg = read_text(path);
    CHECK(plotted_points(svg) == static_cast<std::size_t>(epochs));
}

TEST_CASE("minimize --plot and --history have the start and every iteration", "[cli][plot][minimize]") {
    const std::string svg_path = temp_path("minimize.svg"), csv_path = temp_path("minimize.csv");
    const auto r = run_gradc_stream(1, "minimize '(1 - x)^2 + 100*(y - x^2)^2' --from x=-1.2,y=1 --json --plot " +
                                           svg_path + " --history " + csv_path);
    CHECK(r.exit_code == 0);
    const auto iterations = static_cast<std::size_t>(parse_number(json_token(r.out, {"iterations"})));
    const std::vector<std::string> csv = lines(read_text(csv_path));
    REQUIRE(csv.size() == iterations + 2);
    CHECK(csv[0] == "iteration,value");
    // f(-1.2, 1) = 2.2² + 100·0.44² = 24.2, then the value the result reports.
    CHECK(parse_number(csv[1].substr(2)) == Approx(24.2).epsilon(1e-15));
    const std::string last = std::to_string(iterations) + ",";
    REQUIRE(csv.back().rfind(last, 0) == 0);
    CHECK(parse_number(csv.back().substr(last.size())) == parse_number(json_token(r.out, {"value"})));
    const std::string svg = read_text(svg_path);
    CHECK(plotted_points(svg) == iterations + 1);
    // From 24 to about 1e-20: a log axis.
    CHECK(svg.find(">value (log scale)</text>") != std::string::npos);
}

TEST_CASE("a plot that cannot be written is refused before the run", "[cli][plot][errors]") {
    check_error(
        "minimize 'x^2' --from x=1 --plot /nonexistent-folder/value.svg",
        "cannot write the plot to '/nonexistent-folder/value.svg': check that its folder exists and is writable");
    const auto fit = run_gradc("fit 'w*x + b' --data " + kLine + " --target y --plot /nonexistent-folder/loss.svg");
    CHECK(fit.exit_code == 2);
    CHECK(fit.out ==
          "gradc: error: cannot write the plot to '/nonexistent-folder/loss.svg': check that its folder "
          "exists and is writable\n");
}
