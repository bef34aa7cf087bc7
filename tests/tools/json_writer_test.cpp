// The JSON writer of the gradc command on its own: escaping and number forms that
// formulas never reach.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <sstream>

#include "gradc/print.hpp"
#include "json.hpp"  // tools/, through gradc_cli_support

using gradc::cli::Json;
using gradc::cli::JsonArray;
using gradc::cli::JsonObject;

TEST_CASE("JSON strings escape quotes, backslashes and control characters", "[cli][json]") {
    using gradc::cli::json_string;
    CHECK(json_string("a\"b\\c") == "\"a\\\"b\\\\c\"");
    CHECK(json_string("line\nnext\ttab") == "\"line\\nnext\\ttab\"");
    CHECK(json_string(std::string("\x01\x1f", 2)) == "\"\\u0001\\u001f\"");
    CHECK(json_string("∂/∂x") == "\"∂/∂x\"");  // UTF-8 passes through
}

TEST_CASE("JSON numbers are the shortest round-trip form", "[cli][json]") {
    using gradc::shortest_number;
    for (const double v : {0.1, 1.0 / 3, 1e300, -2.5e-310, 123456789012345680.0, -0.0,
                           std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min()})
        CHECK(std::strtod(shortest_number(v).c_str(), nullptr) == v);
    CHECK(shortest_number(0.1) == "0.1");
    CHECK(shortest_number(2) == "2");
}

TEST_CASE("the writer keeps key order and names non-finite entries", "[cli][json]") {
    std::ostringstream out, warnings;
    const double nan = std::numeric_limits<double>::quiet_NaN();
    gradc::cli::write_json(out, JsonObject{{"b", 1.0}, {"a", JsonArray{Json(nan), Json(std::string("s"))}}}, warnings);
    CHECK(out.str() == "{\"b\": 1, \"a\": [null, \"s\"]}\n");
    CHECK(warnings.str() == "gradc: warning: a[0] is NaN, which JSON cannot hold; written as null\n");
}
