// Numbers the CLI prints come from the stable forms' derivatives, as compiled kernels'
// do; emit and fit apply every limit option; a limit option before the subcommand
// does not take a formula starting with '-' for an option.
#include <catch2/catch.hpp>
#include <string>

#include "command_output.hpp"

using gradc::testing::run_gradc;

TEST_CASE("grad, hessian and check at a point use the stable forms' derivatives", "[cli][stable]") {
    // As written, the derivative is exp(x)/(1 + exp(x)): inf/inf at 800.
    CHECK(run_gradc("grad 'log(1+exp(x))'").out == "∂/∂x = exp(x)/(1 + exp(x))\n");
    CHECK(run_gradc("grad 'log(1+exp(x))' --at x=800").out == "value = 800\n∂/∂x = 1\n");
    CHECK(run_gradc("grad 'log(1+exp(x))' --at x=800 --jit").out == "value = 800\n∂/∂x = 1\n");
    CHECK(run_gradc("hessian 'log(1+exp(x))' --at x=800").out == "value = 800\n∂/∂x = 1\n∂²/∂x² = 0\n");
    CHECK(run_gradc("diff 'log(1-sigmoid(x))' --at x=40").out == "value = -40\n∂/∂x = -1\n");
    const gradc::testing::CommandResult check = run_gradc("check 'log(1+exp(x))' --at x=800");
    INFO(check.out);
    CHECK(check.exit_code == 0);
}

TEST_CASE("emit differentiates the stable forms, and LaTeX shows the formula as written", "[cli][stable]") {
    // The kernel computes softplus and its derivative, sigmoid, not exp(x)/(1 + exp(x)).
    const std::string c = run_gradc("emit 'log(1+exp(x))' --grad --format c").out;
    CHECK(c.find("const double t1 = gradc_softplus(x);\n    const double t2 = gradc_sigmoid(x);\n"
                 "    out[0] = t1;\n    out[1] = t2;\n") != std::string::npos);
    CHECK(run_gradc("emit 'log(1+exp(x))' --grad --format latex").out ==
          "f = \\ln\\left(1 + e^{x}\\right)\n\\frac{\\partial f}{\\partial x} = \\frac{e^{x}}{1 + e^{x}}\n");
}

TEST_CASE("emit and fit apply the nesting, node and kernel size limits", "[cli][limits]") {
    const std::string data = " --data " GRADC_SOURCE_DIR "/docs/data/line.csv --target y";
    const gradc::testing::CommandResult nested = run_gradc("emit '((x))' --format c --max-nesting 1");
    CHECK(nested.exit_code == 2);
    CHECK(nested.out.find("--max-nesting") != std::string::npos);
    CHECK(run_gradc("emit '((x))' --format c --max-nesting 2").exit_code == 0);
    CHECK(run_gradc("emit 'sin(x)' --grad --format c --max-nodes 2").exit_code == 2);
    CHECK(run_gradc("emit 'sin(x)*y' --format c --max-kernel-size 3").exit_code == 2);
    CHECK(run_gradc("emit 'sin(x)*y' --format c --max-kernel-size 4").exit_code == 0);

    const gradc::testing::CommandResult fit_nested = run_gradc("fit '((w))*x + b'" + data + " --max-nesting 1");
    CHECK(fit_nested.exit_code == 2);
    CHECK(fit_nested.out.find("--max-nesting") != std::string::npos);
    const gradc::testing::CommandResult fit_nodes = run_gradc("fit 'w*x + b'" + data + " --max-nodes 6");
    CHECK(fit_nodes.exit_code == 2);
    CHECK(fit_nodes.out.find("--max-nodes") != std::string::npos);
    CHECK(run_gradc("fit 'w*x + b'" + data + " --max-nodes 1000").exit_code == 0);
}

TEST_CASE("a limit option before the subcommand leaves a formula starting with '-' alone", "[cli][limits]") {
    for (const char* option : {"--max-length 100", "--max-nesting 10", "--max-nodes 100", "--max-kernel-size 100"}) {
        const gradc::testing::CommandResult r = run_gradc(std::string(option) + " grad '-x^2' --at x=3");
        INFO(option << ": " << r.out);
        CHECK(r.exit_code == 0);
        CHECK(r.out == "value = -9\n∂/∂x = -6\n");
    }
}
