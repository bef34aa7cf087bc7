// The line search's steps satisfy the strong Wolfe conditions, checked here by
// evaluating each 1-D function again at the step it returned.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <string>

#include "gradc/error.hpp"
#include "gradc/optimize.hpp"

using namespace gradc;

namespace {

struct Function1d {
    std::string name;
    std::function<double(double)> value, slope;
};

// Moré & Thuente's first two test functions ("Line search algorithms with guaranteed
// sufficient decrease", 1994), a quadratic, and one that is NaN past a = 1.
std::vector<Function1d> functions() {
    return {
        {"-a/(a^2 + 2)", [](double a) { return -a / (a * a + 2); },
         [](double a) { return (a * a - 2) / ((a * a + 2) * (a * a + 2)); }},
        {"(a + 0.004)^5 - 2(a + 0.004)^4", [](double a) { return std::pow(a + 0.004, 5) - 2 * std::pow(a + 0.004, 4); },
         [](double a) { return 5 * std::pow(a + 0.004, 4) - 8 * std::pow(a + 0.004, 3); }},
        {"(a - 3)^2", [](double a) { return (a - 3) * (a - 3); }, [](double a) { return 2 * (a - 3); }},
        {"(a - 0.7)^2, NaN past 1", [](double a) { return a > 1 ? NAN : (a - 0.7) * (a - 0.7); },
         [](double a) { return a > 1 ? NAN : 2 * (a - 0.7); }},
    };
}

void check_strong_wolfe(const Function1d& f, double initial_step, const LineSearchOptions& options) {
    INFO(f.name << " from step " << initial_step << ", c1 " << options.c1 << ", c2 " << options.c2);
    std::size_t calls = 0;
    const LineFunction phi = [&](double a, double& value, double& slope) {
        ++calls;
        value = f.value(a);
        slope = f.slope(a);
    };
    const double value0 = f.value(0), slope0 = f.slope(0);
    REQUIRE(slope0 < 0);
    const LineSearchResult r = line_search(phi, value0, slope0, initial_step, options);
    CHECK(r.wolfe);
    CHECK(r.evaluations == calls);
    CHECK(r.evaluations <= options.max_evaluations);
    REQUIRE(r.step > 0);
    // The conditions, from the function itself rather than the search's own numbers.
    CHECK(f.value(r.step) <= value0 + options.c1 * r.step * slope0);
    CHECK(std::fabs(f.slope(r.step)) <= options.c2 * std::fabs(slope0));
    CHECK(r.value == f.value(r.step));
    CHECK(r.slope == f.slope(r.step));
}

}  // namespace

TEST_CASE("line search steps satisfy the strong Wolfe conditions", "[train][line_search]") {
    for (const Function1d& f : functions()) {
        for (const double initial : {1e-3, 0.1, 1.0, 10.0, 1000.0}) {
            check_strong_wolfe(f, initial, LineSearchOptions{});                    // c1 1e-4, c2 0.9
            check_strong_wolfe(f, initial, LineSearchOptions{.c1 = 1e-3, .c2 = 0.1});  // near-exact
        }
    }
}

TEST_CASE("a tight curvature condition lands near the 1-D minimizer", "[train][line_search]") {
    // -a/(a^2 + 2) has its minimum at sqrt(2); |phi'| <= 1e-4 |phi'(0)| pins the step close to it.
    const LineFunction phi = [](double a, double& value, double& slope) {
        value = -a / (a * a + 2);
        slope = (a * a - 2) / ((a * a + 2) * (a * a + 2));
    };
    const LineSearchResult r = line_search(phi, 0.0, -0.5, 0.01, LineSearchOptions{.c1 = 1e-5, .c2 = 1e-4});
    CHECK(r.wolfe);
    CHECK(r.step == Approx(std::sqrt(2.0)).epsilon(1e-3));
}

TEST_CASE("the first step is taken when it already satisfies the conditions", "[train][line_search]") {
    // (a - 1)^2 from a = 0 along slope -2: step 1 is the minimizer itself.
    std::size_t calls = 0;
    const LineFunction phi = [&](double a, double& value, double& slope) {
        ++calls;
        value = (a - 1) * (a - 1);
        slope = 2 * (a - 1);
    };
    const LineSearchResult r = line_search(phi, 1.0, -2.0, 1.0);
    CHECK(r.wolfe);
    CHECK(r.step == 1.0);
    CHECK(calls == 1);
}

TEST_CASE("a line without a decrease gives step 0", "[train][line_search]") {
    // The slope at 0 claims descent but the function rises at once: an inexact gradient.
    const LineFunction phi = [](double a, double& value, double& slope) {
        value = a;
        slope = 1.0;
    };
    const LineSearchResult r = line_search(phi, 0.0, -1.0, 1.0);
    CHECK_FALSE(r.wolfe);
    CHECK(r.step == 0.0);
    CHECK(r.value == 0.0);
    CHECK(r.evaluations == LineSearchOptions{}.max_evaluations);
}

TEST_CASE("the line search refuses a direction that does not descend", "[train][line_search][errors]") {
    const LineFunction phi = [](double a, double& value, double& slope) {
        value = a * a;
        slope = 2 * a;
    };
    CHECK_THROWS_AS(line_search(phi, 0.0, 0.0, 1.0), Error);
    CHECK_THROWS_AS(line_search(phi, 0.0, 1.0, 1.0), Error);
    CHECK_THROWS_AS(line_search(phi, 0.0, -1.0, 0.0), Error);
    CHECK_THROWS_AS(line_search(phi, 0.0, -1.0, 1.0, LineSearchOptions{.c1 = 0.5, .c2 = 0.4}), Error);
}
