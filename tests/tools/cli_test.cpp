// The gradc command as a user runs it: exit codes, input sources, output forms.
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "support/run_command.hpp"
#include "temp_files.hpp"

namespace {

gradc::testing::CommandResult run_gradc(const std::string& args,
                                        const std::string& env = "LANG=C.UTF-8 LC_ALL=C.UTF-8") {
    return gradc::testing::run_command(env + " " GRADC_CLI_PATH " " + args);
}

}  // namespace

TEST_CASE("gradc EXPR prints the gradient in order of first appearance", "[cli]") {
    auto r = run_gradc("'x^2*sin(y)'");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "∂/∂x = 2*x*sin(y)\n∂/∂y = x^2*cos(y)\n");
    CHECK(run_gradc("'y*x'").out == "∂/∂y = x\n∂/∂x = y\n");
}

TEST_CASE("ASCII output without a UTF-8 locale or with --ascii", "[cli]") {
    CHECK(run_gradc("'x^2*sin(y)'", "LANG=C LC_ALL=C").out == "d/dx = 2*x*sin(y)\nd/dy = x^2*cos(y)\n");
    CHECK(run_gradc("--ascii 'x*y'").out == "d/dx = y\nd/dy = x\n");
}

TEST_CASE("formulas from a file and from standard input", "[cli]") {
    const std::string path = gradc::testing::temp_file("formula.txt", "r = x^2 + y^2;\nr^2\n");
    auto from_file = run_gradc("-f " + path);
    CHECK(from_file.exit_code == 0);
    CHECK(from_file.out == "r = x^2 + y^2\n∂/∂x = 4*x*r\n∂/∂y = 4*y*r\n");
    CHECK(run_gradc("-f - < " + path).out == from_file.out);
    std::remove(path.c_str());
}

TEST_CASE("bad input: a message with a caret and exit code 2", "[cli]") {
    auto r = run_gradc("'sin(x'");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("line 1, column") != std::string::npos);
    CHECK(r.out.find('^') != std::string::npos);
    CHECK(run_gradc("'sqr(x)'").out.find("did you mean 'sqrt'") != std::string::npos);
    CHECK(run_gradc("").exit_code == 2);
    CHECK(run_gradc("-f /nonexistent/formula").exit_code == 2);
    CHECK(run_gradc("--no-such-flag x").exit_code == 2);
    CHECK(run_gradc("--help").exit_code == 0);
}

TEST_CASE("a formula may start with a minus sign", "[cli]") {
    CHECK(run_gradc("'-x^2'").out == "∂/∂x = -2*x\n");
    CHECK(run_gradc("--ascii '-x^2'").out == "d/dx = -2*x\n");
    CHECK(run_gradc("'-2*y' --ascii").out == "d/dy = -2\n");
    CHECK(run_gradc("-- -x").out == "∂/∂x = -1\n");
    auto r = run_gradc("-x");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("gradc -- -x") != std::string::npos);
}

TEST_CASE("the formula's bindings name the same parts of its derivatives", "[cli]") {
    CHECK(run_gradc("'r = sqrt(x^2 + y^2); r*sin(r)'").out ==
          "r = sqrt(x^2 + y^2)\n∂/∂x = x*(sin(r) + r*cos(r))/r\n∂/∂y = y*(sin(r) + r*cos(r))/r\n");
}
