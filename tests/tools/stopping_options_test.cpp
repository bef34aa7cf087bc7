// The two tolerances on the command line: --ftol (the relative change of the value) and
// --gtol (the gradient) in both minimize and fit, with the old --tol of each still
// meaning what it meant; and L-BFGS ending on its own where the value cannot improve.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "command_output.hpp"

using gradc::testing::check_error;
using gradc::testing::json_token;
using gradc::testing::parse_number;
using gradc::testing::run_gradc;
using gradc::testing::run_gradc_stream;
using gradc::testing::text_number;

namespace {

// Moré, Garbow and Hillstrom's problem 2 from its standard start: L-BFGS goes to the
// local minimum 48.98425367924 at about (11.4128, -0.896805).
const std::string kFreudensteinRoth =
    "minimize '(-13 + x + ((5 - y)*y - 2)*y)^2 + (-29 + x + ((y + 1)*y - 14)*y)^2' --from x=0.5,y=-2";

}  // namespace

TEST_CASE("minimize ends Freudenstein and Roth's function at its local minimum", "[cli][minimize][lbfgs]") {
    const auto r = run_gradc(kFreudensteinRoth);
    INFO(r.out);
    CHECK(r.exit_code == 0);
    CHECK(text_number(r.out, "value") == Approx(48.98425367924).epsilon(1e-9));
    CHECK(text_number(r.out, "x") == Approx(11.4128).margin(1e-4));
    CHECK(text_number(r.out, "y") == Approx(-0.896805).margin(1e-6));
    CHECK(text_number(r.out, "iterations") < 100);
    CHECK(r.out.find("\nconverged: relative reduction of the value below ftol: ") != std::string::npos);
}

TEST_CASE("minimize --ftol 0 turns the value test off, and --gtol is the gradient's", "[cli][minimize][lbfgs]") {
    // Without the value test the run goes on until no step makes progress: more
    // iterations, and a stop that says so.
    const auto off = run_gradc(kFreudensteinRoth + " --ftol 0");
    INFO(off.out);
    CHECK(off.exit_code == 0);
    CHECK(text_number(off.out, "iterations") > text_number(run_gradc(kFreudensteinRoth).out, "iterations"));
    CHECK(off.out.find("\nconverged: no step lowers the value any more") != std::string::npos);
    // A loose --ftol stops earlier, at a higher value.
    const auto loose = run_gradc(kFreudensteinRoth + " --ftol 1e-3");
    CHECK(loose.exit_code == 0);
    CHECK(text_number(loose.out, "value") > 48.98425367924 * (1 + 1e-9));

    // On x^2 + y^2 from (1, 1) the first step lands on the minimum, so the gradient
    // test decides: --gtol and its old spelling --tol give the same run.
    const std::string quadratic = "minimize '(x - 1)^2 + 10*(y + 2)^4' --from x=0,y=0 --json";
    const auto gtol = run_gradc_stream(1, quadratic + " --gtol 1e-3");
    const auto tol = run_gradc_stream(1, quadratic + " --tol 1e-3");
    const auto tight = run_gradc_stream(1, quadratic + " --gtol 1e-10");
    CHECK(gtol.exit_code == 0);
    CHECK(gtol.out == tol.out);
    CHECK(parse_number(json_token(tight.out, {"iterations"})) > parse_number(json_token(gtol.out, {"iterations"})));
    // (y + 2)^4: its derivative 40 (y + 2)^3 within 1e-3 puts y within 0.03 of -2.
    CHECK(std::fabs(parse_number(json_token(gtol.out, {"x", "y"})) + 2) < 0.03);

    check_error("minimize 'x^2' --from x=1 --gtol 0", "--gtol must be a positive number, as in --gtol 1e-8");
    check_error("minimize 'x^2' --from x=1 --ftol -1",
                "--ftol must be 0 (off) or a positive number, as in --ftol 1e-10");
}

TEST_CASE("fit --ftol is the old --tol, and --gtol stops L-BFGS on the gradient", "[cli][fit]") {
    const std::string data = GRADC_SOURCE_DIR "/data/diabetes.csv";
    const std::string model = "fit 'b + w1*age + w2*bmi + w3*bp' --data " + data + " --target target --json";
    // First-order: the epoch's relative change of the loss.
    const std::string gd = model + " --optimizer gd --lr 1 --epochs 500 --no-shuffle";
    const auto ftol = run_gradc_stream(1, gd + " --ftol 1e-4");
    const auto tol = run_gradc_stream(1, gd + " --tol 1e-4");
    CHECK(ftol.exit_code == 0);
    CHECK(ftol.out == tol.out);
    CHECK(parse_number(json_token(ftol.out, {"epochs"})) < 500);
    // L-BFGS: --gtol loosened ends sooner than the default 1e-8.
    const auto loose = run_gradc_stream(1, model + " --gtol 1 --ftol 0");
    const auto strict = run_gradc_stream(1, model + " --ftol 0");
    CHECK(loose.exit_code == 0);
    CHECK(parse_number(json_token(loose.out, {"epochs"})) < parse_number(json_token(strict.out, {"epochs"})));
    check_error("fit 'w*x' --data " + data + " --target target --optimizer adam --gtol 1e-6",
                "--gtol stops L-BFGS on the gradient; first-order fits stop on --ftol, --patience or --epochs");
}
