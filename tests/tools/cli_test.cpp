// The gradc command as a user runs it: exit codes, input sources, output forms.
#include <catch2/catch.hpp>
#include <array>
#include <cstdio>
#include <fstream>
#include <string>
#include <sys/wait.h>

namespace {

struct Result {
    std::string out;  // stdout and stderr together
    int exit_code;
};

Result gradc(const std::string& args, const std::string& env = "LANG=C.UTF-8 LC_ALL=C.UTF-8") {
    const std::string command = env + " " GRADC_CLI_PATH " " + args + " 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    REQUIRE(pipe != nullptr);
    std::string out;
    std::array<char, 4096> buffer{};
    std::size_t n;
    while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
    const int status = pclose(pipe);
    return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace

TEST_CASE("gradc EXPR prints the gradient in order of first appearance", "[cli]") {
    auto r = gradc("'x^2*sin(y)'");
    CHECK(r.exit_code == 0);
    CHECK(r.out == "∂/∂x = 2*x*sin(y)\n∂/∂y = x^2*cos(y)\n");
    CHECK(gradc("'y*x'").out == "∂/∂y = x\n∂/∂x = y\n");
}

TEST_CASE("ASCII output without a UTF-8 locale or with --ascii", "[cli]") {
    CHECK(gradc("'x^2*sin(y)'", "LANG=C LC_ALL=C").out == "d/dx = 2*x*sin(y)\nd/dy = x^2*cos(y)\n");
    CHECK(gradc("--ascii 'x*y'").out == "d/dx = y\nd/dy = x\n");
}

TEST_CASE("formulas from a file and from standard input", "[cli]") {
    const std::string path = "gradc_cli_test_formula.txt";
    std::ofstream(path) << "r = x^2 + y^2;\nr^2\n";
    auto from_file = gradc("-f " + path);
    CHECK(from_file.exit_code == 0);
    CHECK(from_file.out == "r = x^2 + y^2\n∂/∂x = 4*x*r\n∂/∂y = 4*y*r\n");
    CHECK(gradc("-f - < " + path).out == from_file.out);
    std::remove(path.c_str());
}

TEST_CASE("bad input: a message with a caret and exit code 2", "[cli]") {
    auto r = gradc("'sin(x'");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("line 1, column") != std::string::npos);
    CHECK(r.out.find('^') != std::string::npos);
    CHECK(gradc("'sqr(x)'").out.find("did you mean 'sqrt'") != std::string::npos);
    CHECK(gradc("").exit_code == 2);
    CHECK(gradc("-f /nonexistent/formula").exit_code == 2);
    CHECK(gradc("--no-such-flag x").exit_code == 2);
    CHECK(gradc("--help").exit_code == 0);
}

TEST_CASE("a formula may start with a minus sign", "[cli]") {
    CHECK(gradc("'-x^2'").out == "∂/∂x = -2*x\n");
    CHECK(gradc("--ascii '-x^2'").out == "d/dx = -2*x\n");
    CHECK(gradc("'-2*y' --ascii").out == "d/dy = -2\n");
    CHECK(gradc("-- -x").out == "∂/∂x = -1\n");
    auto r = gradc("-x");
    CHECK(r.exit_code == 2);
    CHECK(r.out.find("gradc -- -x") != std::string::npos);
}

TEST_CASE("the formula's bindings name the same parts of its derivatives", "[cli]") {
    CHECK(gradc("'r = sqrt(x^2 + y^2); r*sin(r)'").out ==
          "r = sqrt(x^2 + y^2)\n∂/∂x = x*(sin(r) + r*cos(r))/r\n∂/∂y = y*(sin(r) + r*cos(r))/r\n");
}
