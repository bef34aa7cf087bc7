// gradc check and --jit: compiled kernels behind the command line, held to the
// interpreter's numbers and to finite differences.
#include <catch2/catch.hpp>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include "command_output.hpp"

using gradc::testing::json_token;
using gradc::testing::parse_number;
using gradc::testing::run_gradc;

namespace {

// Every number in `text`, in order: the numbers after "= " on each line.
std::vector<double> numbers_in(const std::string& text) {
    std::vector<double> out;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const std::size_t at = line.rfind("= ");
        out.push_back(at == std::string::npos ? parse_number(line) : parse_number(line.substr(at + 2)));
    }
    return out;
}

bool same_number(double a, double b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    if (a == b) return true;
    return std::fabs(a - b) <= 1e-14 * std::max(std::fabs(a), std::fabs(b));
}

}  // namespace

TEST_CASE("compiled numbers (--jit) equal the interpreter's in every subcommand", "[cli][jit]") {
    const char* commands[] = {
        "grad 'x^2*sin(y) + exp(-x*y)' --at x=1.5,y=-0.25",
        "grad 'r = sqrt(x^2 + y^2); sin(r)/r, atan2(y, x)' --at x=0.3,y=2",
        "hessian 'x^3*y + log(1 + x^2)' --at x=2,y=3",
        "jacobian 'x*y, x/y, where(x > y, x, y)' --at x=3,y=2",
        "diff 'sigmoid(3*t)*tanh(t)' --wrt t --order 3 --at t=0.7",
        "eval 'x/y, 0/y, max(x, y), sqrt(-x)' --at x=1,y=0",
        "grad 'relu(x) + abs(y) + softplus(x*y)' --at x=-2,y=0",
    };
    for (const char* command : commands) {
        INFO("gradc " << command);
        const auto interpreted = run_gradc(command);
        const auto compiled = run_gradc(std::string(command) + " --jit");
        REQUIRE(interpreted.exit_code == 0);
        REQUIRE(compiled.exit_code == 0);
        const std::vector<double> a = numbers_in(interpreted.out);
        const std::vector<double> b = numbers_in(compiled.out);
        REQUIRE(a.size() == b.size());
        for (std::size_t i = 0; i < a.size(); ++i) CHECK(same_number(a[i], b[i]));
    }
}

TEST_CASE("compiled numbers (--jit) in JSON output", "[cli][jit]") {
    const auto r = run_gradc("grad 'x^2*sin(y)' --at x=2,y=0.5 --json --jit");
    REQUIRE(r.exit_code == 0);
    CHECK(parse_number(json_token(r.out, {"value"})) == Approx(4 * std::sin(0.5)).epsilon(1e-15));
    CHECK(parse_number(json_token(r.out, {"gradient", "y"})) == Approx(4 * std::cos(0.5)).epsilon(1e-15));
}

TEST_CASE("gradc check passes correct gradients", "[cli][check]") {
    for (const char* formula :
         {"'x^2*sin(y)'", "'r = sqrt(x^2 + y^2 + z^2); exp(-r)*cos(3*r)/r'", "'log(1 + x^2) + atan(y/x)*sqrt(z)'",
          "'sigmoid(x*y) - softplus(y - x)'", "'x*y, x/y'"}) {
        INFO(formula);
        const auto r = run_gradc(std::string("check ") + formula);
        CHECK(r.exit_code == 0);
        CHECK(r.out.find("\nok: largest error ") != std::string::npos);
        CHECK(r.out.find("FAILED") == std::string::npos);
    }
    const auto at = run_gradc("check 'x^3*y' --at x=2,y=3 --json");
    REQUIRE(at.exit_code == 0);
    CHECK(json_token(at.out, {"ok"}) == "true");
    CHECK(parse_number(json_token(at.out, {"partials", "x", "symbolic"})) == 36);
    CHECK(parse_number(json_token(at.out, {"partials", "y", "symbolic"})) == 8);
    CHECK(parse_number(json_token(at.out, {"partials", "x", "numeric"})) == Approx(36).epsilon(1e-9));
    CHECK(parse_number(json_token(at.out, {"max_rel_error"})) < 1e-9);
}

TEST_CASE("gradc check fails where finite differences disagree", "[cli][check]") {
    // floor jumps at x = 1/3 * k: its derivative by convention is 0, the difference quotient is not.
    const auto r = run_gradc("check 'floor(3*x) + x' --at x=1");
    CHECK(r.exit_code == 1);
    CHECK(r.out.find("FAILED: largest error ") != std::string::npos);
    const auto json = run_gradc("check 'floor(3*x)' --at x=1 --json");
    CHECK(json.exit_code == 1);
    CHECK(json_token(json.out, {"ok"}) == "false");
    // A tighter tolerance than finite differences can meet fails too.
    CHECK(run_gradc("check 'exp(x)*sin(x)' --at x=1.3 --tolerance 1e-300").exit_code == 1);
}

TEST_CASE("gradc check: --wrt, random points and several results", "[cli][check]") {
    const auto wrt = run_gradc("check 'x^2*y' --wrt y --at x=3,y=1");
    CHECK(wrt.exit_code == 0);
    CHECK(wrt.out.rfind("∂/∂y: compiled 9, ", 0) == 0);
    const auto seeded = run_gradc("check 'x*exp(y)' --points 5 --seed 7");
    CHECK(seeded.exit_code == 0);
    CHECK(seeded.out == run_gradc("check 'x*exp(y)' --points 5 --seed 7").out);
    CHECK(seeded.out != run_gradc("check 'x*exp(y)' --points 5 --seed 8").out);
    const auto two = run_gradc("check 'x*y, x/y' --json --at x=1,y=2");
    CHECK(two.out.find("\"partials\": [{") != std::string::npos);
}

TEST_CASE("gradc check refuses bad options", "[cli][check][errors]") {
    const auto points = run_gradc("check 'x' --points 0");
    CHECK(points.exit_code == 2);
    CHECK(points.out == "gradc: error: --points must be 1 or more, as in --points 5\n");
    const auto tolerance = run_gradc("check 'x' --tolerance -1");
    CHECK(tolerance.exit_code == 2);
    CHECK(tolerance.out == "gradc: error: --tolerance must be a positive number, as in --tolerance 1e-8\n");
}
