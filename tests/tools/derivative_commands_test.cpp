// gradc grad, diff, hessian, jacobian and eval: text output, symbolic and at a point,
// checked against closed forms worked out by hand.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "command_output.hpp"
#include "temp_files.hpp"

using gradc::testing::run_gradc;
using gradc::testing::temp_file;
using gradc::testing::text_number;

TEST_CASE("gradc grad without options prints what gradc EXPR prints", "[cli][grad]") {
    for (const char* formula : {"'x^2*sin(y)'", "'r = sqrt(x^2 + y^2); r*sin(r)'", "'x*y, x + y'"}) {
        const auto plain = run_gradc(formula);
        const auto sub = run_gradc(std::string("grad ") + formula);
        CHECK(sub.exit_code == 0);
        CHECK(sub.out == plain.out);
    }
}

TEST_CASE("gradc grad --wrt picks and orders the variables", "[cli][grad]") {
    CHECK(run_gradc("grad 'x^2*sin(y)' --wrt y,x").out == "∂/∂y = x^2*cos(y)\n∂/∂x = 2*x*sin(y)\n");
    CHECK(run_gradc("grad 'x^2*sin(y)' --wrt y --ascii").out == "d/dy = x^2*cos(y)\n");
    CHECK(run_gradc("--ascii grad 'x^2*sin(y)' --wrt y").out == "d/dy = x^2*cos(y)\n");
}

TEST_CASE("gradc grad --at: the value and gradient at a point", "[cli][grad]") {
    const auto r = run_gradc("grad 'x^2*sin(y)' --at x=2,y=0.5");
    REQUIRE(r.exit_code == 0);
    CHECK(text_number(r.out, "value") == Approx(4 * std::sin(0.5)).epsilon(1e-15));
    CHECK(text_number(r.out, "∂/∂x") == Approx(4 * std::sin(0.5)).epsilon(1e-15));
    CHECK(text_number(r.out, "∂/∂y") == Approx(4 * std::cos(0.5)).epsilon(1e-15));
    // The order of --at does not matter; the output follows the variables.
    CHECK(run_gradc("grad 'x^2*sin(y)' --at y=0.5,x=2").out == r.out);
}

TEST_CASE("a formula starting with '-' works for subcommands", "[cli][grad]") {
    CHECK(run_gradc("grad '-x^2' --at x=1").out == "value = -1\n∂/∂x = -2\n");
    CHECK(run_gradc("grad --at x=3 '-x^2'").out == "value = -9\n∂/∂x = -6\n");
    CHECK(run_gradc("diff '-x^3' --order 2").out == "∂²/∂x² = -6*x\n");
    CHECK(run_gradc("eval '-2*x' --at x=-1.5").out == "3\n");
    CHECK(run_gradc("grad --ascii -x^2 --wrt x").out == "d/dx = -2*x\n");
    // A variable named like a subcommand follows --.
    CHECK(run_gradc("-- diff").out == "∂/∂diff = 1\n");
}

TEST_CASE("gradc diff: the k-th derivative by one variable", "[cli][diff]") {
    CHECK(run_gradc("diff 'x^4*y' --wrt x --order 3").out == "∂³/∂x³ = 24*x*y\n");
    CHECK(run_gradc("diff 'x^4*y' --wrt x --order 3 --ascii").out == "d3/dx3 = 24*x*y\n");
    CHECK(run_gradc("diff 'sin(x)' --wrt x").out == "∂/∂x = cos(x)\n");
    // With one variable, --wrt may be left out.
    CHECK(run_gradc("diff 'sin(x)' --order 2").out == "∂²/∂x² = -sin(x)\n");
    // Order 0 is the formula itself.
    CHECK(run_gradc("diff 'x^2' --order 0 --at x=3").out == "value = 9\n∂⁰/∂x⁰ = 9\n");
    // d^4/dx^4 of exp(2x)*y at (0.3, 1.5) = 16*exp(0.6)*1.5.
    const auto r = run_gradc("diff 'exp(2*x)*y' --wrt x --order 4 --at x=0.3,y=1.5");
    CHECK(r.exit_code == 0);
    CHECK(text_number(r.out, "∂⁴/∂x⁴") == Approx(24 * std::exp(0.6)).epsilon(1e-14));
    CHECK(text_number(r.out, "value") == Approx(1.5 * std::exp(0.6)).epsilon(1e-15));
}

TEST_CASE("gradc hessian: the upper triangle", "[cli][hessian]") {
    CHECK(run_gradc("hessian 'x^3*y'").out == "∂²/∂x² = 6*x*y\n∂²/∂x∂y = 3*x^2\n∂²/∂y² = 0\n");
    CHECK(run_gradc("hessian 'x^3*y' --ascii").out == "d2/dx2 = 6*x*y\nd2/dxdy = 3*x^2\nd2/dy2 = 0\n");
    CHECK(run_gradc("hessian 'x^3*y'", "LANG=C LC_ALL=C").out == "d2/dx2 = 6*x*y\nd2/dxdy = 3*x^2\nd2/dy2 = 0\n");
    CHECK(run_gradc("hessian 'x^3*y' --wrt y,x").out == "∂²/∂y² = 0\n∂²/∂y∂x = 3*x^2\n∂²/∂x² = 6*x*y\n");
    // Entries 6xy, 3x^2, 0 of x^3*y at (1.5, -2).
    const auto r = run_gradc("hessian 'x^3*y' --at x=1.5,y=-2");
    REQUIRE(r.exit_code == 0);
    CHECK(text_number(r.out, "value") == 1.5 * 1.5 * 1.5 * -2);
    CHECK(text_number(r.out, "∂/∂x") == 3 * 1.5 * 1.5 * -2);
    CHECK(text_number(r.out, "∂/∂y") == 1.5 * 1.5 * 1.5);
    CHECK(text_number(r.out, "∂²/∂x²") == 6 * 1.5 * -2);
    CHECK(text_number(r.out, "∂²/∂x∂y") == 3 * 1.5 * 1.5);
    CHECK(text_number(r.out, "∂²/∂y²") == 0);
}

TEST_CASE("gradc hessian of a smooth function against its closed form", "[cli][hessian]") {
    // f = sin(x)*exp(y): f_xx = -sin(x)e^y, f_xy = cos(x)e^y, f_yy = sin(x)e^y.
    const double x = 0.7, y = -0.3;
    const auto r = run_gradc("hessian 'sin(x)*exp(y)' --at x=0.7,y=-0.3");
    CHECK(text_number(r.out, "∂²/∂x²") == Approx(-std::sin(x) * std::exp(y)).epsilon(1e-15));
    CHECK(text_number(r.out, "∂²/∂x∂y") == Approx(std::cos(x) * std::exp(y)).epsilon(1e-15));
    CHECK(text_number(r.out, "∂²/∂y²") == Approx(std::sin(x) * std::exp(y)).epsilon(1e-15));
}

TEST_CASE("gradc jacobian: every result by every variable", "[cli][jacobian]") {
    CHECK(run_gradc("jacobian 'x*y, x + y'").out ==
          "f1 = x*y\nf2 = x + y\n∂f1/∂x = y\n∂f1/∂y = x\n∂f2/∂x = 1\n∂f2/∂y = 1\n");
    // Polar to Cartesian at (r, t) = (2, 0.4).
    const auto p = run_gradc("jacobian 'r*cos(t), r*sin(t)' --at r=2,t=0.4");
    REQUIRE(p.exit_code == 0);
    CHECK(text_number(p.out, "f1") == Approx(2 * std::cos(0.4)).epsilon(1e-15));
    CHECK(text_number(p.out, "∂f1/∂r") == Approx(std::cos(0.4)).epsilon(1e-15));
    CHECK(text_number(p.out, "∂f1/∂t") == Approx(-2 * std::sin(0.4)).epsilon(1e-15));
    CHECK(text_number(p.out, "∂f2/∂r") == Approx(std::sin(0.4)).epsilon(1e-15));
    CHECK(text_number(p.out, "∂f2/∂t") == Approx(2 * std::cos(0.4)).epsilon(1e-15));
    CHECK(run_gradc("jacobian 'x*y, x + y' --wrt y --ascii").out == "f1 = x*y\nf2 = x + y\ndf1/dy = x\ndf2/dy = 1\n");
}

TEST_CASE("gradc eval: the values of all results", "[cli][eval]") {
    CHECK(run_gradc("eval 'x*y, x/y' --at x=3,y=4").out == "12\n0.75\n");
    CHECK(run_gradc("eval 'x/y, 0/y' --at x=1,y=0").out == "inf\nnan\n");
    CHECK(run_gradc("eval 'r = sqrt(x^2 + y^2); r' --at x=3,y=4").out == "5\n");
    CHECK(run_gradc("eval '2^10'").out == "1024\n");  // no variables, no --at needed
    CHECK(std::strtod(run_gradc("eval 'exp(x)' --at x=1").out.c_str(), nullptr) ==
          Approx(std::exp(1.0)).epsilon(1e-15));
}

TEST_CASE("subcommands read -f FILE and -f -", "[cli]") {
    const std::string path = temp_file("formula.txt", "r = x^2 + y^2;\nr^2\n");
    const auto from_file = run_gradc("hessian -f " + path + " --at x=1,y=2");
    CHECK(from_file.exit_code == 0);
    // f = (x^2 + y^2)^2: f_xx = 12x^2 + 4y^2, f_xy = 8xy, f_yy = 4x^2 + 12y^2.
    CHECK(text_number(from_file.out, "∂²/∂x²") == 28);
    CHECK(text_number(from_file.out, "∂²/∂x∂y") == 16);
    CHECK(text_number(from_file.out, "∂²/∂y²") == 52);
    CHECK(run_gradc("hessian -f - --at x=1,y=2 < " + path).out == from_file.out);
    CHECK(run_gradc("eval -f " + path + " --at x=1,y=2").out == "25\n");
    std::remove(path.c_str());
}
