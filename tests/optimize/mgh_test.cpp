// L-BFGS with its default settings on Moré, Garbow and Hillstrom's problems 1-18, each a
// compiled kernel of its formula, from the paper's starting point: every run must end
// converged at the published minimum (or a local one the paper lists) within 1e-6
// relative, or 1e-10 absolute where the minimum is 0, in at most 1,000 iterations and
// 3 evaluations per iteration on average.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "gradc/jit.hpp"
#include "gradc/optimize.hpp"
#include "gradc/parse.hpp"
#include "mgh_problems.hpp"

using namespace gradc;
using gradc::testing::MghProblem;

namespace {

struct MghRun {
    MinimizeResult result;
    bool at_minimum;  // the global one, or the local one the paper lists
};

bool near(double value, double minimum) {
    return minimum == 0 ? std::fabs(value) <= 1e-10 : std::fabs(value - minimum) <= 1e-6 * std::fabs(minimum);
}

MghRun run(Jit& jit, const MghProblem& problem) {
    ExprContext ctx;
    const Program program = parse(ctx, problem.formula);
    // x1 ... xn in that order, whatever order they first appear in.
    std::vector<Expr> variables;
    for (std::size_t i = 1; i <= problem.start.size(); ++i) variables.push_back(ctx.variable("x" + std::to_string(i)));
    REQUIRE(program.variables.size() == variables.size());
    const Objective f = kernel_objective(compile_point(jit, ctx, program.outputs[0], variables));
    MghRun r{minimize(f, problem.start), false};
    r.at_minimum = near(r.result.value, problem.minimum) || (problem.local && near(r.result.value, *problem.local));
    return r;
}

}  // namespace

TEST_CASE("L-BFGS ends Moré-Garbow-Hillstrom problems 1-18 at their minima", "[train][lbfgs][mgh][jit]") {
    Jit jit;
    for (const MghProblem& problem : gradc::testing::mgh_problems()) {
        INFO("problem " << problem.number << ", " << problem.name << " (m = " << problem.m << ")");
        const MghRun r = run(jit, problem);
        INFO(r.result.message);
        INFO("value " << r.result.value << " after " << r.result.iterations << " iterations, " << r.result.evaluations
                      << " evaluations");
        CHECK(r.result.converged);
        CHECK(r.at_minimum);
        CHECK(r.result.iterations <= 1000);
        CHECK(r.result.evaluations <= 3 * std::max<std::size_t>(r.result.iterations, 1));
    }
}

// The table in docs/optimizers.md: `gradc_train_tests "[.mgh-table]"`.
TEST_CASE("Moré-Garbow-Hillstrom table", "[.mgh-table]") {
    Jit jit;
    std::printf("| # | problem | m | value | iterations | evaluations | reason |\n|---|---|---|---|---|---|---|\n");
    for (const MghProblem& problem : gradc::testing::mgh_problems()) {
        const MghRun r = run(jit, problem);
        std::printf("| %d | %s | %zu | %.10g | %zu | %zu | %s |\n", problem.number, problem.name.c_str(), problem.m,
                    r.result.value, r.result.iterations, r.result.evaluations, r.result.message.c_str());
    }
}
