// Mistakes on the gradc command line: exit code 2 and a message that says what to do.
#include <catch2/catch.hpp>
#include <string>

#include "command_output.hpp"

using gradc::testing::check_error;
using gradc::testing::run_gradc;

TEST_CASE("bad --at: unknown, missing, repeated and malformed values", "[cli][errors]") {
    check_error("grad 'x*y' --at x=1,z=2", "unknown variable 'z' in --at; the formula's variables are x, y");
    check_error("eval '2' --at z=2", "unknown variable 'z' in --at; the formula has no variables");
    check_error("grad 'x*y' --at x=1", "--at needs a value for y");
    check_error("hessian 'x*y' --at x=1,x=2,y=1", "--at gives x twice");
    const std::string malformed = "--at expects name=value pairs separated by commas, as in --at x=1,y=2";
    check_error("grad 'x*y' --at x", malformed);
    check_error("grad 'x*y' --at x=1,,y=2", malformed);
    check_error("grad 'x*y' --at =1,y=2", malformed);
    check_error("grad 'x*y' --at 'x=1;y=2'",
                "the value of x in --at is not a number: '1;y=2'; write it like 2, -0.5 or 1e-3");
    check_error("eval 'x*y' --at x=one,y=2",
                "the value of x in --at is not a number: 'one'; write it like 2, -0.5 or 1e-3");
    check_error("eval 'x' --at x=1.5.2",
                "the value of x in --at is not a number: '1.5.2'; write it like 2, -0.5 or 1e-3");
    check_error("eval 'x*y'", "eval needs a point: give every variable a value, as in --at x=1,y=1");
}

TEST_CASE("the values in --at accept signs, exponents and spaces", "[cli]") {
    CHECK(run_gradc("eval 'x*y' --at 'x = +2, y = -1.5e1'").out == "-30\n");
    CHECK(run_gradc("eval 'x' --at x=inf").out == "inf\n");
}

TEST_CASE("bad --wrt: unknown or repeated variables, and diff's single variable", "[cli][errors]") {
    check_error("grad 'x*y' --wrt z", "unknown variable 'z' in --wrt; the formula's variables are x, y");
    check_error("hessian 'x*y' --wrt x,x", "variable 'x' appears twice in --wrt");
    check_error("jacobian 'x*y' --wrt x,", "--wrt expects variable names separated by commas, as in --wrt x,y");
    check_error("diff 'x*y'", "diff needs --wrt, as in --wrt x; the formula's variables are x, y");
    check_error("diff '2'", "diff needs a variable to differentiate by; the formula has none");
    check_error("diff 'x*y' --wrt x,y", "diff differentiates by one variable: give one name, as in --wrt x");
}

TEST_CASE("diff --order must not be negative", "[cli][errors]") {
    check_error("diff 'x^2' --wrt x --order -1",
                "--order must be 0 or more (0 is the formula itself), as in --order 2");
    check_error("diff 'x^2' --wrt x --order=-3",
                "--order must be 0 or more (0 is the formula itself), as in --order 2");
    CHECK(run_gradc("diff 'x^2' --wrt x --order two").exit_code == 2);
}

TEST_CASE("unknown subcommands and options", "[cli][errors]") {
    check_error("hesian 'x*y'",
                "unknown subcommand 'hesian'; the subcommands are grad, diff, hessian, jacobian, eval, check, emit, "
                "minimize, fit, tune, predict, explain and bench (gradc --help lists them)");
    check_error(
        "'x^2' --at x=1",
        "--at, --wrt, --order, --json and --jit go with a subcommand, as in: gradc grad \"x^2*sin(y)\" --at x=1,y=2");
    CHECK(run_gradc("grad 'x' --order 2").exit_code == 2);  // --order is diff's
    CHECK(run_gradc("eval 'x' --wrt x --at x=1").exit_code == 2);
    CHECK(run_gradc("grad --help").exit_code == 0);
    CHECK(run_gradc("--help").out.find("hessian") != std::string::npos);
}

TEST_CASE("formula errors in subcommands keep the caret and exit code 2", "[cli][errors]") {
    const auto r = run_gradc("hessian 'sin(x' --at x=1");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("line 1, column") != std::string::npos);
    CHECK(run_gradc("eval --at x=1").exit_code == 2);  // no formula
    CHECK(run_gradc("grad -f /nonexistent/formula").exit_code == 2);
    CHECK(run_gradc("grad 'x' -f /dev/null").exit_code == 2);  // both EXPR and -f
}
