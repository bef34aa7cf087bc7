// --max-length, --max-nesting, --max-nodes and --max-kernel-size: each subcommand
// accepts them, before or after its name; a formula at a limit is accepted and one
// past it refused with exit code 2 and a message that names the option.
#include <catch2/catch.hpp>
#include <cstdio>
#include <string>

#include "command_output.hpp"
#include "temp_files.hpp"

using gradc::testing::check_error;
using gradc::testing::run_gradc;
using gradc::testing::temp_file;

TEST_CASE("the length limit: a formula of that many bytes is read, one more is refused", "[cli][limits]") {
    CHECK(run_gradc("eval 'x+y' --at x=1,y=2 --max-length 3").out == "3\n");
    const std::string refused = "the formula is longer than the limit of 2 bytes: raise it with --max-length";
    check_error("eval 'x+y' --at x=1,y=2 --max-length 2", refused);
    check_error("--max-length 2 eval 'x+y' --at x=1,y=2", refused);
    // From a file, which is read no further than the limit.
    const std::string file = temp_file("formula.txt", "x+y");
    CHECK(run_gradc("eval -f " + file + " --at x=1,y=2 --max-length 3").out == "3\n");
    check_error("eval -f " + file + " --at x=1,y=2 --max-length 2", refused);
    std::remove(file.c_str());
}

TEST_CASE("the nesting limit: that many levels parse, one more is refused at its paren", "[cli][limits]") {
    CHECK(run_gradc("eval '((x))' --at x=1 --max-nesting 2").out == "1\n");
    check_error("eval '((x))' --at x=1 --max-nesting 1",
                "line 1, column 2: nesting deeper than 1 levels; split the formula with bindings (name = ...;), or "
                "raise ParseLimits::max_nesting (gradc --max-nesting)\n  ((x))\n   ^");
}

TEST_CASE("the node limit: a formula of that many nodes is read, one more is refused", "[cli][limits]") {
    // x, y and x+y: three nodes, and evaluating them builds no more.
    CHECK(run_gradc("eval 'x+y' --at x=1,y=2 --max-nodes 3").out == "3\n");
    const std::string refused =
        "more than 2 distinct nodes in one expression context, its limit: raise it with ExprContext::set_max_nodes "
        "(gradc --max-nodes), or split the work over several contexts";
    check_error("eval 'x+y' --at x=1,y=2 --max-nodes 2", refused);
    check_error("--max-nodes 2 'x+y'", refused);
    // The derivatives count too: sin(x) is two nodes, its derivative needs cos(x) and more.
    CHECK(run_gradc("eval 'sin(x)' --at x=0 --max-nodes 2").out == "0\n");
    CHECK(run_gradc("grad 'sin(x)' --max-nodes 2").exit_code == 2);
}

TEST_CASE("the kernel size limit: a kernel of that many instructions compiles, one more is refused", "[cli][limits]") {
    // x, y, sin(x), cos(y) and the sum: five instructions.
    CHECK(run_gradc("eval 'sin(x)+cos(y)' --at x=0,y=0 --jit --max-kernel-size 5").out == "1\n");
    const std::string refused =
        "the kernel has 5 instructions, more than the limit of 4: raise "
        "JitOptions::max_kernel_size (gradc --max-kernel-size), or split the outputs over "
        "several kernels";
    check_error("eval 'sin(x)+cos(y)' --at x=0,y=0 --jit --max-kernel-size 4", refused);
    // Subcommands that always compile: check, minimize, fit.
    CHECK(run_gradc("check 'x*y' --at x=1,y=2 --max-kernel-size 2").exit_code == 2);
    CHECK(run_gradc("minimize '(x-1)^2' --from x=0 --max-kernel-size 3").exit_code == 2);
    const gradc::testing::CommandResult fit =
        run_gradc("fit 'w*x+b' --data " GRADC_SOURCE_DIR "/docs/data/line.csv --target y --max-kernel-size 3");
    CHECK(fit.exit_code == 2);
    CHECK(fit.out.find("gradc: error: the kernel has ") != std::string::npos);
}

TEST_CASE("every subcommand accepts the limit options", "[cli][limits]") {
    for (const char* sub :
         {"grad", "diff", "hessian", "jacobian", "eval", "check", "emit", "minimize", "fit", "predict"}) {
        const gradc::testing::CommandResult help = run_gradc(std::string(sub) + " --help");
        INFO(sub << ":\n" << help.out);
        CHECK(help.exit_code == 0);
        for (const char* option : {"--max-length", "--max-nesting", "--max-nodes", "--max-kernel-size"})
            CHECK(help.out.find(option) != std::string::npos);
    }
    CHECK(run_gradc("--help").out.find("--max-kernel-size") != std::string::npos);
}

TEST_CASE("eval computes the stable forms with and without --jit", "[cli][stable]") {
    CHECK(run_gradc("eval 'log(1+x)' --at x=1e-17").out == "1e-17\n");
    CHECK(run_gradc("eval 'log(1+x)' --at x=1e-17 --jit").out == "1e-17\n");
    CHECK(run_gradc("eval 'exp(x)-1' --at x=1e-17").out == "1e-17\n");
    CHECK(run_gradc("eval 'log(1+exp(x))' --at x=800").out == "800\n");
    CHECK(run_gradc("eval 'log(1+exp(x))' --at x=800 --jit").out == "800\n");
}
