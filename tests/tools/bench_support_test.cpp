// What `gradc bench` builds on, apart from the command: the statistics of the call
// times (against NumPy's definitions, worked by hand), durations as text, and the
// random inputs drawn for --rows.
#include <algorithm>
#include <catch2/catch.hpp>
#include <set>
#include <string>
#include <vector>

#include "bench_timing.hpp"  // tools/, through gradc_cli_support
#include "gradc/tensor.hpp"
#include "gradc/tensor_parse.hpp"
#include "tensor_random.hpp"

using gradc::TensorBindings;
using gradc::TensorValue;
using gradc::cli::summarize_calls;

TEST_CASE("call times: median, quantiles and median absolute deviation", "[cli][bench]") {
    // numpy.quantile([1, 2, 3, 4, 5], [0.1, 0.5, 0.9]) = 1.4, 3, 4.6; |t - 3| = 2 1 0 1 2.
    const gradc::cli::CallTimes odd = summarize_calls({5, 1, 4, 2, 3});
    CHECK(odd.calls == 5);
    CHECK(odd.median == 3);
    CHECK(odd.min == 1);
    CHECK(odd.max == 5);
    CHECK(odd.mean == 3);
    CHECK(odd.mad == 1);
    CHECK(odd.p10 == Approx(1.4).epsilon(1e-15));
    CHECK(odd.p90 == Approx(4.6).epsilon(1e-15));
    // An even count: the median halfway; |t - 2.5| = 1.5 0.5 0.5 7.5 has median 1. One
    // slow call moves the mean, not the median.
    const gradc::cli::CallTimes even = summarize_calls({10, 1, 3, 2});
    CHECK(even.median == 2.5);
    CHECK(even.mad == 1);
    CHECK(even.mean == 4);
    const gradc::cli::CallTimes one = summarize_calls({7});
    CHECK(one.median == 7);
    CHECK(one.p10 == 7);
    CHECK(one.p90 == 7);
    CHECK(one.mad == 0);
}

TEST_CASE("durations are written with the unit they need", "[cli][bench]") {
    using gradc::cli::duration_text;
    CHECK(duration_text(812, true) == "812 ns");
    CHECK(duration_text(4.5, true) == "4.50 ns");
    CHECK(duration_text(4730, true) == "4.73 µs");
    CHECK(duration_text(4730, false) == "4.73 us");
    CHECK(duration_text(12345, true) == "12.3 µs");
    CHECK(duration_text(1.21e6, true) == "1.21 ms");
    CHECK(duration_text(2.5e9, true) == "2.50 s");
    CHECK(duration_text(1234e9, true) == "1234 s");
    CHECK(!gradc::cli::cpu_name().empty());
}

namespace {

// A program with labels for an axis of 4 (y) and an axis of 6 (c): each must be drawn
// within its axis.
struct Labelled {
    gradc::TensorContext ctx;
    gradc::TensorProgram program =
        gradc::parse_tensor_program(ctx,
                                    "W: param[6,4]; X: data[N,6]; y: data[N] int; c: data[N,1] int; z = X @ W; "
                                    "sum(take_along_axis(z, y, axis=1)) + sum(take_along_axis(X, c, axis=1))");

    TensorBindings draw(std::size_t rows, std::uint64_t seed, TensorBindings given = {}) const {
        given.rows = rows;
        gradc::cli::draw_missing_inputs(given, program.inputs, program.outputs, seed);
        return given;
    }
};

}  // namespace

TEST_CASE("random inputs fit their declarations, and labels their axes", "[cli][bench]") {
    const Labelled p;
    const TensorBindings b = p.draw(200, 1);
    REQUIRE(b.inputs.size() == 4);
    const TensorValue* W = b.find("W");
    const TensorValue* X = b.find("X");
    const TensorValue* y = b.find("y");
    const TensorValue* c = b.find("c");
    REQUIRE((W && X && y && c));
    CHECK(W->shape == std::vector<std::size_t>{6, 4});
    CHECK(X->shape == std::vector<std::size_t>{200, 6});
    CHECK(y->shape == std::vector<std::size_t>{200});
    CHECK(c->shape == std::vector<std::size_t>{200, 1});
    CHECK(W->reals.size() == 24);
    CHECK(X->reals.size() == 1200);
    CHECK(std::all_of(X->reals.begin(), X->reals.end(), [](double v) { return v >= -1 && v < 1; }));
    CHECK(std::set<double>(X->reals.begin(), X->reals.end()).size() == 1200);
    // Every label of its axis occurs in 200 draws, and none outside it.
    CHECK(std::set<std::int64_t>(y->indices.begin(), y->indices.end()) == std::set<std::int64_t>{0, 1, 2, 3});
    CHECK(std::set<std::int64_t>(c->indices.begin(), c->indices.end()) == std::set<std::int64_t>{0, 1, 2, 3, 4, 5});
    // The program evaluates at them: every index in range.
    CHECK(gradc::evaluate(p.program.outputs, b).size() == 1);
}

TEST_CASE("random inputs: one seed gives one draw, and given values stay", "[cli][bench]") {
    const Labelled p;
    const TensorBindings a = p.draw(10, 3), again = p.draw(10, 3), other = p.draw(10, 4);
    CHECK(a.find("X")->reals == again.find("X")->reals);
    CHECK(a.find("y")->indices == again.find("y")->indices);
    CHECK(a.find("X")->reals != other.find("X")->reals);
    TensorBindings given;
    given.inputs.emplace_back("W", TensorValue{{6, 4}, std::vector<double>(24, 0.5), {}});
    const TensorBindings kept = p.draw(10, 3, given);
    REQUIRE(kept.inputs.size() == 4);
    CHECK(kept.find("W")->reals == std::vector<double>(24, 0.5));
    CHECK(kept.find("X")->shape == std::vector<std::size_t>{10, 6});
}
