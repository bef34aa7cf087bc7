// --json output: the exact shapes, numbers that read back as the same double, and
// NaN or infinity written as null with a warning.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "command_output.hpp"

using gradc::testing::json_token;
using gradc::testing::parse_number;
using gradc::testing::run_gradc;

TEST_CASE("JSON shapes of small cases, exactly", "[cli][json]") {
    CHECK(run_gradc("grad 'x^2*sin(y)' --json").out ==
          "{\"value\": \"x^2*sin(y)\", \"gradient\": {\"x\": \"2*x*sin(y)\", \"y\": \"x^2*cos(y)\"}}\n");
    CHECK(run_gradc("grad 'x*y' --at x=2,y=3 --json").out == "{\"value\": 6, \"gradient\": {\"x\": 3, \"y\": 2}}\n");
    CHECK(run_gradc("grad 'x*y, x + y' --at x=2,y=3 --json").out ==
          "{\"value\": [6, 5], \"gradient\": [{\"x\": 3, \"y\": 2}, {\"x\": 1, \"y\": 1}]}\n");
    CHECK(run_gradc("grad 'x*y' --wrt y --at x=2,y=3 --json").out == "{\"value\": 6, \"gradient\": {\"y\": 2}}\n");
    CHECK(run_gradc("hessian 'x^3*y' --at x=2,y=3 --json").out ==
          "{\"value\": 24, \"gradient\": {\"x\": 36, \"y\": 8}, "
          "\"hessian\": {\"x\": {\"x\": 36, \"y\": 12}, \"y\": {\"x\": 12, \"y\": 0}}}\n");
    CHECK(run_gradc("jacobian 'x*y, x + y' --at x=1,y=2 --json").out ==
          "{\"values\": [2, 3], \"jacobian\": [{\"x\": 2, \"y\": 1}, {\"x\": 1, \"y\": 1}]}\n");
    CHECK(run_gradc("jacobian 'x*y, x + y' --json").out ==
          "{\"values\": [\"x*y\", \"x + y\"], \"jacobian\": [{\"x\": \"y\", \"y\": \"x\"}, {\"x\": \"1\", \"y\": "
          "\"1\"}]}\n");
    CHECK(run_gradc("eval 'x*y, x - y' --at x=1,y=2 --json").out == "{\"values\": [2, -1]}\n");
    CHECK(run_gradc("eval 'x' --at x=1 --json").out == "{\"values\": [1]}\n");
    CHECK(run_gradc("diff 'x^4*y' --wrt x --order 3 --at x=1,y=2 --json").out ==
          "{\"value\": 2, \"derivative\": 48, \"wrt\": \"x\", \"order\": 3}\n");
    CHECK(run_gradc("diff 'x^4*y' --wrt x --order 2 --json").out ==
          "{\"value\": \"y*x^4\", \"derivative\": \"12*y*x^2\", \"wrt\": \"x\", \"order\": 2}\n");
}

TEST_CASE("JSON keys follow the variables' order or --wrt", "[cli][json]") {
    CHECK(run_gradc("grad 'y*x' --at x=2,y=3 --json").out == "{\"value\": 6, \"gradient\": {\"y\": 2, \"x\": 3}}\n");
    CHECK(run_gradc("hessian 'x*y' --wrt y,x --json").out ==
          "{\"value\": \"x*y\", \"gradient\": {\"y\": \"x\", \"x\": \"y\"}, "
          "\"hessian\": {\"y\": {\"y\": \"0\", \"x\": \"1\"}, \"x\": {\"y\": \"1\", \"x\": \"0\"}}}\n");
}

TEST_CASE("JSON numbers read back as exactly the computed doubles", "[cli][json]") {
    // 0.1 + 0.2 is 0.30000000000000004: all 17 digits must be there.
    const auto sum = run_gradc("eval 'x + y' --at x=0.1,y=0.2 --json");
    CHECK(sum.out == "{\"values\": [0.30000000000000004]}\n");
    CHECK(parse_number(json_token(sum.out, {"values"}).substr(1)) == 0.1 + 0.2);
    // Tiny, huge and negative values keep every bit.
    const auto r = run_gradc("grad 'x^2*sin(y)' --at x=2,y=0.5 --json");
    const double gx = parse_number(json_token(r.out, {"gradient", "x"}));
    const double gy = parse_number(json_token(r.out, {"gradient", "y"}));
    CHECK(gx == Approx(4 * std::sin(0.5)).epsilon(1e-15));
    CHECK(gy == Approx(4 * std::cos(0.5)).epsilon(1e-15));
    // The text output prints the same shortest digits.
    const auto text = run_gradc("grad 'x^2*sin(y)' --at x=2,y=0.5");
    CHECK(gradc::testing::text_number(text.out, "∂/∂y") == gy);
    const auto big = run_gradc("eval 'x*1e300, -x*1e-300, x/3' --at x=7 --json");
    CHECK(big.out == "{\"values\": [7e+300, -7e-300, 2.3333333333333335]}\n");
    CHECK(parse_number("2.3333333333333335") == 7.0 / 3);
}

TEST_CASE("NaN and infinity become null with a warning naming the entry", "[cli][json]") {
    const auto e = gradc::testing::run_gradc_stream(1, "eval 'x/y, 0/y, -x/y' --at x=1,y=0 --json");
    CHECK(e.exit_code == 0);
    CHECK(e.out == "{\"values\": [null, null, null]}\n");
    const auto w = gradc::testing::run_gradc_stream(2, "eval 'x/y, 0/y' --at x=1,y=0 --json");
    CHECK(w.out ==
          "gradc: warning: values[0] is inf, which JSON cannot hold; written as null\n"
          "gradc: warning: values[1] is NaN, which JSON cannot hold; written as null\n");
    const auto g = run_gradc("grad 'sqrt(x)*y' --at x=0,y=1 --json");
    CHECK(g.exit_code == 0);
    CHECK(g.out.find("gradient.x is inf") != std::string::npos);
    CHECK(g.out.find("\"gradient\": {\"x\": null, \"y\": 0}") != std::string::npos);
    const auto h = run_gradc("hessian 'log(x)*y' --at x=0,y=1 --json");
    CHECK(h.out.find("hessian.x.x is") != std::string::npos);
    const auto j = gradc::testing::run_gradc_stream(2, "jacobian 'x, -1/x' --at x=0 --json");
    CHECK(j.out ==
          "gradc: warning: values[1] is -inf, which JSON cannot hold; written as null\n"
          "gradc: warning: jacobian[1].x is inf, which JSON cannot hold; written as null\n");
}

TEST_CASE("symbolic JSON strings stand alone: the formula's bindings are inlined", "[cli][json]") {
    const auto r = run_gradc("grad 'r = sqrt(x^2 + y^2); r*sin(r)' --json");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("\"value\": \"sqrt(x^2 + y^2)*sin(sqrt(x^2 + y^2))\"") != std::string::npos);
}
