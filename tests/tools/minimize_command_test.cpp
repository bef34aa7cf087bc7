// gradc minimize: golden text output, the JSON shape read back, and the exit codes of
// convergence (0), a run that did not converge (1) and bad input (2).
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

const std::string kRosenbrock = "'(1 - x)^2 + 100*(y - x^2)^2'";

}  // namespace

TEST_CASE("minimize finds Rosenbrock's minimum with L-BFGS by default", "[cli][minimize]") {
    const auto r = run_gradc("minimize " + kRosenbrock + " --from x=-1.2,y=1");
    CHECK(r.exit_code == 0);
    // The point and value are rounded to 10 digits; the counts are the run's own.
    CHECK(r.out.rfind("x = 1\ny = 1\nvalue = ", 0) == 0);
    CHECK(text_number(r.out, "value") < 1e-16);
    CHECK(text_number(r.out, "iterations") <= 60);
    CHECK(text_number(r.out, "evaluations") >= text_number(r.out, "iterations"));
    CHECK(r.out.find("\nconverged: every partial derivative is within 1e-08 of 0\n") != std::string::npos);
}

TEST_CASE("minimize golden output on a quadratic", "[cli][minimize]") {
    // Gradient descent with lr 0.25 on (x - 1)^2 + (y + 2)^2 halves the distance to (1, -2)
    // every step, exactly in binary: after k steps x = 1 - 2^-k, y = -2 + 2^(1-k), and the
    // largest partial 2^(2-k) is within 2e-9 of 0 first at k = 31. The value is then
    // 2^-62 + 2^-60, printed to 10 digits.
    const auto r = run_gradc("minimize '(x - 1)^2 + (y + 2)^2' --from x=0,y=0 --optimizer gd --lr 0.25 --tol 2e-9");
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "x = 0.9999999995\n"
          "y = -1.999999999\n"
          "value = 1.084202172e-18\n"
          "iterations = 31\n"
          "evaluations = 32\n"
          "converged: every partial derivative is within 2e-09 of 0\n");
}

TEST_CASE("minimize --json has the documented shape and numbers that read back", "[cli][minimize][json]") {
    const auto r = run_gradc_stream(1, "minimize " + kRosenbrock + " --from x=-1.2,y=1 --json");
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("{\"x\": {\"x\": ", 0) == 0);
    CHECK(r.out.find("}, \"value\": ") != std::string::npos);
    CHECK_THAT(r.out, Catch::EndsWith(", \"converged\": true}\n"));
    const double x = parse_number(json_token(r.out, {"x", "x"}));
    const double y = parse_number(json_token(r.out, {"x", "y"}));
    const double value = parse_number(json_token(r.out, {"value"}));
    const double iterations = parse_number(json_token(r.out, {"iterations"}));
    const double evaluations = parse_number(json_token(r.out, {"evaluations"}));
    CHECK(x == Approx(1.0).margin(1e-8));
    CHECK(y == Approx(1.0).margin(1e-8));
    // The value is the function at exactly that point, recomputed here.
    CHECK(value == Approx((1 - x) * (1 - x) + 100 * (y - x * x) * (y - x * x)).margin(1e-30));
    CHECK(iterations >= 1);
    CHECK(evaluations >= iterations);
    // The text and the JSON describe the same run.
    const auto text = run_gradc("minimize " + kRosenbrock + " --from x=-1.2,y=1");
    CHECK(text_number(text.out, "iterations") == iterations);
    CHECK(text_number(text.out, "evaluations") == evaluations);
}

TEST_CASE("minimize lists the variables in order of first appearance", "[cli][minimize][json]") {
    const auto r = run_gradc("minimize '(b - 2)^2 + (a + 1)^2' --from a=0,b=0 --json");
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind("{\"x\": {\"b\": ", 0) == 0);
    CHECK(r.out.find("\"a\": ") > r.out.find("\"b\": "));
    CHECK(parse_number(json_token(r.out, {"x", "b"})) == Approx(2.0).margin(1e-8));
    CHECK(parse_number(json_token(r.out, {"x", "a"})) == Approx(-1.0).margin(1e-8));
}

TEST_CASE("every optimizer is reachable by name", "[cli][minimize]") {
    for (const char* name : {"gd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw", "lbfgs"}) {
        INFO(name);
        const auto r = run_gradc(std::string("minimize '(x - 0.5)^2' --from x=0 --optimizer ") + name +
                                 " --lr 0.1 --max-iter 5000 --tol 1e-6 --json");
        // AdamW's decay settles a little off 0.5; the others converge.
        const double x = parse_number(json_token(r.out, {"x", "x"}));
        CHECK(x == Approx(0.5).margin(std::string(name) == "adamw" ? 0.05 : 1e-6));
        if (std::string(name) != "adamw") CHECK(r.exit_code == 0);
    }
}

TEST_CASE("a learning rate too large stops with exit 1 at the last good point", "[cli][minimize][divergence]") {
    const auto r = run_gradc("minimize 'x^2 + 2*y^2' --from x=1,y=1 --optimizer gd --lr 1");
    CHECK(r.exit_code == 1);
    // y <- -3y each step: the value 1 + 2*9^k passes 3 + 3e10 at step 11.
    CHECK(r.out ==
          "x = 1\n"
          "y = 59049\n"
          "value = 6973568803\n"
          "iterations = 10\n"
          "evaluations = 12\n"
          "not converged: the value grew from 3 to 6.27621e+10 at iteration 11; the learning rate 1 is too large: "
          "try a smaller one, as in --lr 0.1\n");
    const auto json = run_gradc_stream(1, "minimize 'x^2 + 2*y^2' --from x=1,y=1 --optimizer gd --lr 1 --json");
    CHECK(json.exit_code == 1);
    CHECK(json.out ==
          "{\"x\": {\"x\": 1, \"y\": 59049}, \"value\": 6973568803, \"iterations\": 10, \"evaluations\": 12, "
          "\"converged\": false}\n");
    const auto message = run_gradc_stream(2, "minimize 'x^2 + 2*y^2' --from x=1,y=1 --optimizer gd --lr 1 --json");
    CHECK(message.out.rfind("gradc: not converged: the value grew from 3", 0) == 0);
}

TEST_CASE("NaN on the way is caught and the last good point kept", "[cli][minimize][divergence]") {
    // Adam's first step is lr times the gradient's sign: 3 - 100 is outside log's domain.
    const auto r = run_gradc("minimize 'log(x) + 1/x' --from x=3 --optimizer adam --lr 100");
    CHECK(r.exit_code == 1);
    CHECK(r.out.rfind("x = 3\n", 0) == 0);
    CHECK(r.out.find("not converged: the value became nan at iteration 1; the learning rate 100 is too large: "
                     "try a smaller one, as in --lr 10\n") != std::string::npos);
}

TEST_CASE("running out of iterations is exit 1 with a way out", "[cli][minimize]") {
    const auto r = run_gradc("minimize " + kRosenbrock + " --from x=-1.2,y=1 --optimizer gd --max-iter 10");
    CHECK(r.exit_code == 1);
    CHECK(text_number(r.out, "iterations") == 10);
    CHECK(r.out.find("not converged: reached the limit of 10 iterations") != std::string::npos);
    CHECK(r.out.find("allow more with --max-iter, or try --optimizer lbfgs\n") != std::string::npos);
}

TEST_CASE("a formula starting with a minus sign is minimized", "[cli][minimize]") {
    const auto r = run_gradc("minimize '-exp(-(x - 2)^2)' --from x=1.5 --json");
    CHECK(r.exit_code == 0);
    CHECK(parse_number(json_token(r.out, {"x", "x"})) == Approx(2.0).margin(1e-8));
    CHECK(parse_number(json_token(r.out, {"value"})) == -1.0);
}

TEST_CASE("minimize's bad input: exit 2 and what to do", "[cli][minimize][errors]") {
    check_error("minimize 'x^2 + y^2' --from x=1,y=1 --optimizer adamax",
                "unknown optimizer 'adamax'; choose one of gd (or sgd), momentum, nesterov, adagrad, rmsprop, adam, "
                "adamw, lbfgs, as in --optimizer adam");
    check_error("minimize 'x^2 + y^2' --from x=1", "--from needs a starting value for y, as in --from x=1,y=1");
    check_error("minimize 'x^2 + y^2'",
                "minimize needs a starting point: give every variable a value, as in --from x=1,y=1");
    check_error("minimize 'x^2 + y^2' --from x=1,y=1 --lr 0", "--lr must be a positive number, as in --lr 0.01");
    check_error("minimize 'x^2 + y^2' --from x=1,y=1 --lr -0.5", "--lr must be a positive number, as in --lr 0.01");
    check_error("minimize 'x^2 + y^2' --from x=1,y=1,z=0",
                "unknown variable 'z' in --from; the formula's variables are x, y");
    check_error("minimize 'x^2 + y^2' --from x=1,x=2,y=0", "--from gives x twice");
    check_error("minimize 'x^2 + y^2' --from x=one,y=0",
                "the value of x in --from is not a number: 'one'; write it like 2, -0.5 or 1e-3");
    check_error("minimize 'x^2 + y^2' --from x",
                "--from expects name=value pairs separated by commas, as in --from x=1,y=2");
    check_error("minimize 'x^2' --from x=1 --tol 0", "--gtol must be a positive number, as in --gtol 1e-8");
    check_error("minimize 'x^2' --from x=1 --max-iter -1", "--max-iter must be 0 or more, as in --max-iter 1000");
    check_error("minimize 'x, y' --from x=1,y=1", "minimize takes a formula with one result; this one has 2");
    check_error("minimize '3' --from ''", "the formula has no variables to minimize over");
    CHECK(run_gradc("minimize 'x^2' --from x=1 --lr fast").exit_code == 2);
    CHECK(run_gradc("minimize 'sin(x' --from x=1").exit_code == 2);
}

TEST_CASE("a starting point outside the domain is reported, not minimized", "[cli][minimize]") {
    const auto r = run_gradc("minimize 'sqrt(x)' --from x=-1");
    CHECK(r.exit_code == 1);
    CHECK(r.out ==
          "x = -1\n"
          "value = nan\n"
          "iterations = 0\n"
          "evaluations = 1\n"
          "not converged: the value at the starting point is nan: start where the function and its derivatives "
          "are defined (another --from)\n");
}
